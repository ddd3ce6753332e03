package io.jswarm.registry.http;

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
 */
public final class RegistryRouter implements Handler<HttpServerRequest> {
  private static final Pattern BASE = Pattern.compile("/v2/?");
  private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([^/]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/([^/]+)");
  private static final Pattern HELD_BLOB = Pattern.compile("/_jswarm/blobs/([^/]+)");
  private static final Pattern REFERRERS = Pattern.compile("/v2/(.+)/referrers/([^/]+)");

  private final RegistryContext ctx;
  private final BasicAuth auth;
  private final RegistryAccess access;
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
    this.ctx = ctx;
    this.auth = auth;
    this.access = access;
    this.blobs = new BlobHandler(ctx);
    this.uploads = new UploadHandler(ctx);
    this.manifests = new ManifestHandler(ctx);
    this.tags = new TagsHandler(ctx);
    this.referrers = new ReferrersHandler(ctx);
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();
    String authorization = req.getHeader("Authorization");
    if (auth == null || auth.knownGood(authorization) || access.node(authorization)
        || (anonymous(authorization) && isPull(req) && access.anonymousPull())) {
      route(req);
      return;
    }
    ctx.blocking(() -> auth.verify(authorization)).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        route(req);
      } else {
        Exchange.afterBody(req, () -> Exchange.send(req,
            Exchange.error(401, ErrorCode.UNAUTHORIZED.name(), "authentication required", null)
                .header("WWW-Authenticate", "Basic realm=\"jswarm-registry\"")));
      }
    });
  }

  /** No credentials, or the empty login ("Basic " of ":") that clients without any send after a challenge. */
  private static boolean anonymous(String authorization) {
    return authorization == null || authorization.trim().equals("Basic Og==");
  }

  /**
   * GET/HEAD of what a pull reads: manifests, blobs, tags, referrers (not uploads, not peers'
   * copies). Not the base {@code /v2/}: it keeps answering 401 with the challenge, which is how
   * clients (skopeo, docker) learn that they may log in and so send credentials for a push.
   */
  private static boolean isPull(HttpServerRequest req) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) return false;
    String path = req.path();
    if (!path.startsWith("/v2/") || BASE.matcher(path).matches()) return false;
    return !UPLOADS.matcher(path).matches() && !UPLOAD.matcher(path).matches();
  }

  private void route(HttpServerRequest req) {
    try {
      dispatch(req, req.method(), req.path());
    } catch (RuntimeException e) {
      Exchange.afterBody(req, () -> Exchange.fail(req, e));
    }
  }

  private void dispatch(HttpServerRequest req, HttpMethod method, String path) {
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
      uploads.post(req, name(m));
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
