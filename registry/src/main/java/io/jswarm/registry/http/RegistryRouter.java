package io.jswarm.registry.http;

import io.jswarm.registry.auth.Action;
import io.jswarm.registry.auth.Principal;
import io.jswarm.registry.auth.TokenService;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps {@code /v2/…} requests to handlers. Names may contain slashes, so each route is matched by
 * its fixed suffix and the name is what precedes it, validated against the spec's grammar
 * (NAME_INVALID otherwise). Requests arrive paused; each handler resumes the one it gets.
 *
 * <p>Before routing, each request's principal ({@link AccessControl}) must allow what the request
 * does ({@link #need}); {@code /v2/token} is the token endpoint of Docker's Bearer flow.
 */
public final class RegistryRouter implements Handler<HttpServerRequest> {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RegistryRouter.class.getName());
  private static final Pattern BASE = Pattern.compile("/v2/?");
  private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([^/]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/([^/]+)");
  private static final Pattern HELD_BLOB = Pattern.compile("/_jswarm/blobs/([^/]+)");
  private static final Pattern REFERRERS = Pattern.compile("/v2/(.+)/referrers/([^/]+)");

  private static final Pattern TOKEN = Pattern.compile("/v2/token/?");

  private final RegistryContext ctx;
  private final AccessControl control;
  private final TokenHandler token;
  private final BlobHandler blobs;
  private final UploadHandler uploads;
  private final ManifestHandler manifests;
  private final TagsHandler tags;
  private final ReferrersHandler referrers;

  /** @param auth null to serve without authentication */
  public RegistryRouter(RegistryContext ctx, BasicAuth auth) {
    this(ctx, auth, RegistryAccess.NONE);
  }

  /**
   * @param auth null to serve without authentication (then {@code access} does not matter)
   * @param access anonymous pull and the cluster's node credential, besides the htpasswd users
   */
  public RegistryRouter(RegistryContext ctx, BasicAuth auth, RegistryAccess access) {
    this(ctx, auth, access, TokenService.withRandomKey(java.time.Duration.ofMinutes(5)), null);
  }

  /**
   * @param auth htpasswd users, or null
   * @param tokens issues and checks the Bearer tokens
   * @param clusterId O of the swarm's client certificates when the registry serves the swarm's
   *     TLS identity, else null; with neither users nor a cluster id there is no authentication
   */
  public RegistryRouter(RegistryContext ctx, BasicAuth auth, RegistryAccess access, TokenService tokens,
      String clusterId) {
    this.ctx = ctx;
    this.control = new AccessControl(auth != null || clusterId != null, auth, access, tokens, clusterId);
    this.token = new TokenHandler(ctx, control);
    this.blobs = new BlobHandler(ctx);
    this.uploads = new UploadHandler(ctx);
    this.manifests = new ManifestHandler(ctx);
    this.tags = new TagsHandler(ctx);
    this.referrers = new ReferrersHandler(ctx);
  }

  /** What a request needs: an action on a repository (raw name, validated later), or just a login. */
  private record Need(Action action, String repository) {
    static final Need LOGIN = new Need(null, null);
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();
    if (TOKEN.matcher(req.path()).matches()) {
      token.handle(req);
      return;
    }
    Need need = need(req.method(), req.path());
    control.principal(ctx, req).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof RegistryException re && re.status() == 403) {
          LOG.info("registry: refused " + req.method() + " " + req.path() + " from " + req.remoteAddress() + ": "
              + re.getMessage());
        }
        Exchange.afterBody(req, () -> Exchange.send(req, control.failure(req, ar.cause())));
        return;
      }
      Principal p = ar.result();
      boolean ok = need.action() == null ? p.authenticated() || !control.required()
          : p.allows(need.action(), need.repository());
      if (ok) {
        route(req, p);
      } else {
        Reply refusal = control.refusal(req, p, need.action(), need.repository());
        if (refusal.status == 403) {
          // a known principal overstepping its role is worth a line (401s are every client's first step)
          LOG.info("registry: refused " + req.method() + " " + req.path() + " from " + req.remoteAddress() + ": "
              + p.subject() + " (" + p.source() + ") lacks " + need.action()
              + (need.repository() == null ? "" : " on " + need.repository()));
        }
        Exchange.afterBody(req, () -> Exchange.send(req, refusal));
      }
    });
  }

  /**
   * The action a request performs, following {@link #dispatch}'s routes: pull = GET/HEAD, push =
   * POST/PUT/PATCH (and an upload's status and cancel, which belong to a push), delete = DELETE.
   * The base {@code /v2/} needs a login only: it keeps answering 401 to anonymous clients even when
   * they may pull, which is how clients (skopeo, docker) learn that they may log in for a push.
   */
  private static Need need(HttpMethod method, String path) {
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    Matcher m;
    if (BASE.matcher(path).matches()) {
      return Need.LOGIN;
    } else if (HELD_BLOB.matcher(path).matches()) {
      return new Need(Action.PEER, null);
    } else if ((m = TAGS.matcher(path)).matches()) {
      return new Need(Action.PULL, m.group(1));
    } else if ((m = MANIFEST.matcher(path)).matches()) {
      return new Need(read ? Action.PULL : method == HttpMethod.DELETE ? Action.DELETE : Action.PUSH, m.group(1));
    } else if ((m = UPLOADS.matcher(path)).matches() || (m = UPLOAD.matcher(path)).matches()) {
      return new Need(Action.PUSH, m.group(1));
    } else if ((m = BLOB.matcher(path)).matches()) {
      return new Need(read ? Action.PULL : method == HttpMethod.DELETE ? Action.DELETE : Action.PUSH, m.group(1));
    } else if ((m = REFERRERS.matcher(path)).matches()) {
      return new Need(Action.PULL, m.group(1));
    }
    return Need.LOGIN;
  }

  private void route(HttpServerRequest req, Principal p) {
    try {
      dispatch(req, req.method(), req.path(), p);
    } catch (RuntimeException e) {
      Exchange.afterBody(req, () -> Exchange.fail(req, e));
    }
  }

  private void dispatch(HttpServerRequest req, HttpMethod method, String path, Principal p) {
    Matcher m;
    if (BASE.matcher(path).matches()) {
      only(method, HttpMethod.GET, HttpMethod.HEAD);
      Exchange.afterBody(req, () -> Exchange.send(req, Reply.of(200).json("{}")));
    } else if ((m = HELD_BLOB.matcher(path)).matches()) {
      only(method, HttpMethod.GET, HttpMethod.HEAD);
      blobs.getHeld(req, m.group(1));
    } else if ((m = TAGS.matcher(path)).matches()) {
      only(method, HttpMethod.GET);
      tags.list(req, name(m));
    } else if ((m = MANIFEST.matcher(path)).matches()) {
      RepoName repo = name(m);
      String ref = m.group(2);
      if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
        manifests.get(req, repo, ref);
      } else if (method == HttpMethod.PUT) {
        manifests.put(req, repo, ref);
      } else if (method == HttpMethod.DELETE) {
        manifests.delete(req, repo, ref);
      } else {
        only(method);
      }
    } else if ((m = UPLOADS.matcher(path)).matches()) {
      only(method, HttpMethod.POST);
      // a cross-repository mount reads the source repository: only when the principal may pull from it
      uploads.post(req, name(m), from -> p.allows(Action.PULL, from));
    } else if ((m = UPLOAD.matcher(path)).matches()) {
      RepoName repo = name(m);
      String uuid = m.group(2);
      if (method == HttpMethod.PATCH) {
        uploads.patch(req, repo, uuid);
      } else if (method == HttpMethod.PUT) {
        uploads.put(req, repo, uuid);
      } else if (method == HttpMethod.GET) {
        uploads.status(req, repo, uuid);
      } else if (method == HttpMethod.DELETE) {
        uploads.cancel(req, repo, uuid);
      } else {
        only(method);
      }
    } else if ((m = BLOB.matcher(path)).matches()) {
      RepoName repo = name(m);
      if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
        blobs.get(req, repo, m.group(2));
      } else if (method == HttpMethod.DELETE) {
        blobs.delete(req, repo, m.group(2));
      } else {
        only(method);
      }
    } else if ((m = REFERRERS.matcher(path)).matches()) {
      only(method, HttpMethod.GET);
      referrers.list(req, name(m), m.group(2));
    } else {
      throw new RegistryException(ErrorCode.NAME_UNKNOWN, 404, "no such endpoint: " + path, null);
    }
  }

  private static RepoName name(Matcher m) {
    return RepoName.parse(m.group(1));
  }

  private static void only(HttpMethod method, HttpMethod... allowed) {
    for (HttpMethod a : allowed) {
      if (a == method) {
        return;
      }
    }
    throw new RegistryException(ErrorCode.UNSUPPORTED, 405, "method " + method + " not allowed here", null);
  }
}
