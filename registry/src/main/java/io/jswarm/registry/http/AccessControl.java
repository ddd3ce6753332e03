package io.jswarm.registry.http;

import io.jswarm.registry.auth.Action;
import io.jswarm.registry.auth.Principal;
import io.jswarm.registry.auth.SwarmIdentity;
import io.jswarm.registry.auth.TokenService;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Establishes who a request comes from ({@link #principal}) and answers a refusal the way clients
 * expect ({@link #refusal}). A request may carry a swarm client certificate (verified by the TLS
 * handshake against the swarm's roots), an Authorization header (Bearer token of this registry,
 * htpasswd Basic login, the cluster's node secret) or nothing; with both a certificate and a
 * header it gets the rights of both.
 */
final class AccessControl {
  /** What an htpasswd user and the cluster's node secret may do: everything, as before there were roles. */
  private static final Set<Action> USER_ACTIONS = EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE);
  private static final Set<Action> NODE_SECRET_ACTIONS = EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE,
      Action.PEER);
  /** The principal of a registry that asks for no login. */
  static final Principal OPEN = Principal.of("anonymous", Principal.Source.ANONYMOUS, EnumSet.allOf(Action.class));

  private final boolean required;
  private final BasicAuth users;
  private final RegistryAccess access;
  private final TokenService tokens;
  private final String clusterId;

  /**
   * @param required false: a registry without logins, where anyone may do anything
   * @param users htpasswd users, or null
   * @param clusterId O of the swarm's certificates, or null when the registry has no swarm identity
   */
  AccessControl(boolean required, BasicAuth users, RegistryAccess access, TokenService tokens, String clusterId) {
    this.required = required;
    this.users = users;
    this.access = access;
    this.tokens = tokens;
    this.clusterId = clusterId;
  }

  boolean required() {
    return required;
  }

  TokenService tokens() {
    return tokens;
  }

  /**
   * Who sent the request. Fails with UNAUTHORIZED for credentials that are wrong (bad password,
   * unknown or expired token) and DENIED for a certificate of another cluster.
   */
  Future<Principal> principal(RegistryContext ctx, HttpServerRequest req) {
    if (!required) {
      return Future.succeededFuture(OPEN);
    }
    Principal cert;
    try {
      cert = certificatePrincipal(req);
    } catch (RegistryException e) {
      return Future.failedFuture(e);
    }
    Principal base = cert != null ? cert : Principal.anonymous(access.anonymousPull());
    String h = req.getHeader("Authorization");
    if (h == null || h.trim().equals("Basic Og==")) {
      // no login, or the empty one ("Basic " of ":") that clients without any send after a challenge
      return Future.succeededFuture(base);
    }
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Principal t = tokens.verify(h.substring(7).trim());
      return t == null ? Future.failedFuture(unauthorized("the Bearer token is invalid or expired; get a new one"))
          : Future.succeededFuture(base.and(t));
    }
    if (!h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Future.failedFuture(unauthorized("unsupported Authorization scheme; use Basic or Bearer"));
    }
    if (access.node(h)) {
      return Future.succeededFuture(base.and(Principal.of(RegistryAccess.NODE_USER, Principal.Source.NODE_SECRET,
          NODE_SECRET_ACTIONS)));
    }
    if (users == null) {
      return Future.failedFuture(unauthorized("this registry has no password logins"));
    }
    String known = users.knownUser(h);
    if (known != null) {
      return Future.succeededFuture(base.and(Principal.of(known, Principal.Source.USER, USER_ACTIONS)));
    }
    return ctx.blocking(() -> users.verifiedUser(h)).compose(user -> user == null
        ? Future.failedFuture(unauthorized("wrong user name or password"))
        : Future.succeededFuture(base.and(Principal.of(user, Principal.Source.USER, USER_ACTIONS))));
  }

  /** The principal of a verified client certificate, or null when none was sent or TLS is not the swarm's. */
  private Principal certificatePrincipal(HttpServerRequest req) {
    if (clusterId == null || !req.isSSL()) {
      return null;
    }
    List<Certificate> chain;
    try {
      chain = req.connection().peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      return null;
    }
    return SwarmIdentity.principal(leaf, clusterId);
  }

  private static RegistryException unauthorized(String message) {
    return new RegistryException(ErrorCode.UNAUTHORIZED, 401, message, null);
  }

  /**
   * The answer to a request its principal may not make: 401 with the challenges when it said
   * nothing about itself (or its token lacks the scope: Docker clients then fetch a token with
   * more), 403 DENIED when a known principal lacks the right.
   *
   * @param action null for the base endpoint (any login will do)
   * @param repository null when the action is not about one repository
   */
  Reply refusal(HttpServerRequest req, Principal p, Action action, String repository) {
    String scope = repository == null || action == null || !Action.SCOPED.contains(action) ? null
        : "repository:" + repository + ":" + (action == Action.PULL ? "pull" : "pull," + action.scopeName());
    if (!p.authenticated()) {
      return challenge(req, scope, null, ErrorCode.UNAUTHORIZED, "authentication required");
    }
    String what = describe(action, repository);
    if (p.source() == Principal.Source.TOKEN && scope != null) {
      return challenge(req, scope, "insufficient_scope", ErrorCode.UNAUTHORIZED,
          "the token does not grant " + what);
    }
    return Exchange.error(403, ErrorCode.DENIED.name(), p.subject() + " may not " + what, null);
  }

  /** A failure of {@link #principal} as an answer (with the challenges when it is a 401). */
  Reply failure(HttpServerRequest req, Throwable t) {
    if (t instanceof RegistryException re && re.status() == 401) {
      String h = req.getHeader("Authorization");
      boolean bearer = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7);
      return challenge(req, null, bearer ? "invalid_token" : null, re.code(), re.getMessage());
    }
    return Exchange.errorReply(t);
  }

  private static String describe(Action action, String repository) {
    if (action == null) {
      return "use this registry";
    }
    return switch (action) {
      case PULL -> "pull from " + repository;
      case PUSH -> "push to " + repository;
      case DELETE -> "delete in " + repository;
      case PEER -> "use the managers' peer endpoints";
      case GC -> "collect garbage";
    };
  }

  private Reply challenge(HttpServerRequest req, String scope, String error, ErrorCode code,
      String message) {
    Reply r = Exchange.error(401, code.name(), message, null);
    StringBuilder bearer = new StringBuilder("Bearer realm=\"").append(realm(req)).append("\",service=\"")
        .append(TokenService.SERVICE).append('"');
    if (scope != null) {
      bearer.append(",scope=\"").append(scope).append('"');
    }
    if (error != null) {
      bearer.append(",error=\"").append(error).append('"');
    }
    // Bearer first: skopeo and docker use the first challenge they know
    r.challenge(bearer.toString());
    if (users != null) {
      r.challenge("Basic realm=\"jswarm-registry\"");
    }
    return r;
  }

  /** The token endpoint at the address the client used to reach this registry. */
  static String realm(HttpServerRequest req) {
    String host = req.getHeader("Host");
    if (host == null || !host.matches("[A-Za-z0-9.:\\[\\]-]{1,300}")) {
      // absent, or not a host[:port]: it goes into a quoted header value
      host = req.localAddress().hostAddress() + ":" + req.localAddress().port();
    }
    return (req.isSSL() ? "https" : "http") + "://" + host + "/v2/token";
  }
}
