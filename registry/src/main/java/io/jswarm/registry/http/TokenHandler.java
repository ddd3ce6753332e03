package io.jswarm.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.registry.auth.Principal;
import io.jswarm.registry.auth.Scope;
import io.jswarm.registry.auth.TokenService;
import io.jswarm.registry.core.ErrorCode;
import io.vertx.core.http.HttpServerRequest;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The token endpoint of Docker's token flow ({@code GET /v2/token?service=…&scope=…}): the client
 * authenticates as it would to the registry (htpasswd Basic login, swarm client certificate, or
 * nothing for an anonymous token) and gets a JWT granting each requested scope cut down to what it
 * may do — a worker asking for {@code pull,push} gets {@code pull}. Wrong credentials are refused
 * with 401; a token is never wider than its holder.
 */
final class TokenHandler {
  private static final Logger LOG = Logger.getLogger(TokenHandler.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryContext ctx;
  private final AccessControl control;

  TokenHandler(RegistryContext ctx, AccessControl control) {
    this.ctx = ctx;
    this.control = control;
  }

  void handle(HttpServerRequest req) {
    if (req.method() != io.vertx.core.http.HttpMethod.GET) {
      // Docker tries the OAuth2 POST first and falls back to GET on 404
      Exchange.afterBody(req, () -> Exchange.send(req, Exchange.error(404, ErrorCode.UNSUPPORTED.name(),
          "the token endpoint answers GET with Basic credentials only", null)));
      return;
    }
    control.principal(ctx, req).onComplete(ar -> Exchange.afterBody(req, () -> {
      if (ar.failed()) {
        Reply r = control.failure(req, ar.cause());
        r.challenges.clear();
        if (r.status == 401) {
          // the token endpoint itself takes Basic (or a certificate), never a token
          r.challenge("Basic realm=\"jswarm-registry\"");
        }
        Exchange.send(req, r);
        return;
      }
      Exchange.send(req, issue(ar.result(), Scope.parseAll(req.params().getAll("scope"))));
    }));
  }

  private Reply issue(Principal p, List<Scope> requested) {
    List<Scope> granted = new ArrayList<>();
    for (Scope s : requested) {
      Set<io.jswarm.registry.auth.Action> may = p.actionsOn(s.repository());
      may.retainAll(s.actions());
      granted.add(new Scope(s.repository(), may));
    }
    TokenService.Issued t = control.tokens().issue(p.subject(), granted);
    LOG.fine(() -> "registry token for " + p.subject() + ": " + granted);
    ObjectNode o = JSON.createObjectNode();
    o.put("token", t.token());
    o.put("access_token", t.token());
    o.put("expires_in", t.expiresIn().toSeconds());
    o.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(t.issuedAt()));
    return Reply.of(200).json(o.toString());
  }
}
