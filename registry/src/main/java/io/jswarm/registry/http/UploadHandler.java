package io.jswarm.registry.http;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import io.jswarm.registry.store.UploadSession;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob uploads ({@code /v2/<name>/blobs/uploads/…}): monolithic (POST?digest=, POST then PUT?digest=),
 * chunked (POST, PATCH…, PUT) with the state on the server, status, cancel and cross-repository
 * mount. Each request's body is streamed into the session through its running digest; a body that
 * ends early or disagrees with Content-Length/Content-Range is rolled back.
 */
final class UploadHandler {
  private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d{1,19})-(\\d{1,19})(?:/\\d+|/\\*)?");
  private final RegistryContext ctx;

  UploadHandler(RegistryContext ctx) {
    this.ctx = ctx;
  }

  /** @param mayMountFrom whether the client may read the repository a {@code mount} names */
  void post(HttpServerRequest req, RepoName repo, java.util.function.Predicate<String> mayMountFrom) {
    String mount = req.getParam("mount");
    String from = req.getParam("from");
    String digestParam = req.getParam("digest");
    // a mount the client may not read from becomes a plain upload, as the spec says for any mount refused
    Future<Reply> mounted = mount == null || from == null || !mayMountFrom.test(from) ? Future.succeededFuture(null)
        : ctx.blocking(() -> tryMount(repo, Digest.parse(mount), from));
    mounted.onComplete(ar -> {
      if (ar.failed()) {
        Exchange.afterBody(req, () -> Exchange.fail(req, ar.cause()));
      } else if (ar.result() != null) {
        Exchange.afterBody(req, () -> Exchange.send(req, ar.result()));
      } else {
        startUpload(req, repo, digestParam);
      }
    });
  }

  private Reply tryMount(RepoName repo, Digest d, String from) {
    RepoName source;
    try {
      source = from == null ? null : RepoName.parse(from);
    } catch (RegistryException e) {
      return null;
    }
    if (source == null || !ctx.metadata().hasBlob(source, d) || !ctx.localOrFetched(d)) {
      return null;
    }
    ctx.metadata().linkBlob(repo, d);
    return created(repo, d);
  }

  private void startUpload(HttpServerRequest req, RepoName repo, String digestParam) {
    Digest expected;
    long length;
    try {
      expected = digestParam == null ? null : Digest.parse(digestParam);
      length = contentLength(req);
    } catch (RegistryException e) {
      Exchange.afterBody(req, () -> Exchange.fail(req, e));
      return;
    }
    ctx.blocking(() -> ctx.uploads().create(repo)).onComplete(ar -> {
      if (ar.failed()) {
        Exchange.afterBody(req, () -> Exchange.fail(req, ar.cause()));
      } else if (expected != null) {
        receive(req, ar.result(), length, s -> commit(repo, s, expected));
      } else {
        receive(req, ar.result(), length, s -> {
          s.endChunk();
          return Future.succeededFuture(accepted(202, repo, s));
        });
      }
    });
  }

  void patch(HttpServerRequest req, RepoName repo, String uuid) {
    withSession(req, repo, uuid, s -> {
      long expected = expectedLength(req, s);
      receive(req, s, expected, x -> {
        x.endChunk();
        return Future.succeededFuture(accepted(202, repo, x));
      });
    });
  }

  void put(HttpServerRequest req, RepoName repo, String uuid) {
    String digestParam = req.getParam("digest");
    withSession(req, repo, uuid, s -> {
      if (digestParam == null) {
        throw new RegistryException(ErrorCode.DIGEST_INVALID, "the digest query parameter is required to finish an upload");
      }
      Digest expected = Digest.parse(digestParam);
      long length = expectedLength(req, s);
      receive(req, s, length, x -> commit(repo, x, expected));
    });
  }

  void status(HttpServerRequest req, RepoName repo, String uuid) {
    Exchange.reply(req, ctx.blocking(() -> accepted(204, repo, ctx.uploads().get(repo, uuid))));
  }

  void cancel(HttpServerRequest req, RepoName repo, String uuid) {
    Exchange.reply(req, ctx.blocking(() -> {
      ctx.uploads().remove(ctx.uploads().get(repo, uuid));
      return Reply.of(204);
    }));
  }

  private interface SessionAction {
    void run(UploadSession s);
  }

  /** Looks the session up off the event loop (a restart reloads it from disk), then acts on it. */
  private void withSession(HttpServerRequest req, RepoName repo, String uuid, SessionAction action) {
    ctx.blocking(() -> ctx.uploads().get(repo, uuid)).onComplete(ar -> {
      if (ar.failed()) {
        Exchange.afterBody(req, () -> Exchange.fail(req, ar.cause()));
        return;
      }
      try {
        action.run(ar.result());
      } catch (OutOfOrder e) {
        Exchange.afterBody(req, () -> Exchange.send(req,
            withLocation(Exchange.error(416, ErrorCode.BLOB_UPLOAD_INVALID.name(), e.getMessage(), null), repo, ar.result())));
      } catch (RuntimeException e) {
        Exchange.afterBody(req, () -> Exchange.fail(req, e));
      }
    });
  }

  private Future<Reply> commit(RepoName repo, UploadSession s, Digest expected) {
    return ctx.blocking(() -> {
      ctx.uploads().commit(s, expected, ctx.blobs());
      ctx.placement().stored(expected, ctx.blobs().size(expected));
      ctx.metadata().linkBlob(repo, expected);
      return created(repo, expected);
    });
  }

  /**
   * Streams the request body into the session as one chunk of {@code expected} bytes (-1: unknown),
   * then completes with {@code then}. A lost connection or a length mismatch rolls the chunk back.
   */
  private void receive(HttpServerRequest req, UploadSession s, long expected,
      Function<UploadSession, Future<Reply>> then) {
    long token;
    try {
      token = s.beginChunk();
    } catch (RuntimeException e) {
      Exchange.afterBody(req, () -> Exchange.fail(req, e));
      return;
    }
    RuntimeException[] error = {null};
    req.handler(buf -> {
      if (error[0] != null) {
        return;
      }
      try {
        s.append(((BufferInternal) buf).getByteBuf().nioBuffer());
        if (expected >= 0 && s.chunkLength() > expected) {
          error[0] = new RegistryException(ErrorCode.SIZE_INVALID, "body longer than the declared " + expected + " bytes");
        }
      } catch (RuntimeException e) {
        error[0] = e;
      }
    });
    // a connection lost mid-body surfaces as a response close (Vert.x 5), sometimes as a request exception
    req.exceptionHandler(t -> s.abortChunk(token));
    req.response().closeHandler(v -> s.abortChunk(token));
    req.endHandler(v -> {
      if (error[0] == null && expected >= 0 && s.chunkLength() != expected) {
        error[0] = new RegistryException(ErrorCode.SIZE_INVALID,
            "body of " + s.chunkLength() + " bytes, declared " + expected);
      }
      if (error[0] != null) {
        s.abortChunk(token);
        Exchange.fail(req, error[0]);
        return;
      }
      then.apply(s).onComplete(ar -> {
        if (ar.failed()) {
          s.abortChunk(token);
          Exchange.fail(req, ar.cause());
        } else {
          Exchange.send(req, ar.result());
        }
      });
    });
    req.resume();
  }

  /** The chunk length the request declares (Content-Range wins over Content-Length), or -1. */
  private static long expectedLength(HttpServerRequest req, UploadSession s) {
    long length = contentLength(req);
    String cr = req.getHeader("Content-Range");
    if (cr == null) {
      return length;
    }
    Matcher m = CONTENT_RANGE.matcher(cr.trim());
    if (!m.matches()) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416, "malformed Content-Range: " + cr, null);
    }
    long start = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    if (start != s.offset() || end < start) {
      throw new OutOfOrder("chunk " + start + "-" + end + " does not continue the upload at offset " + s.offset());
    }
    long rangeLength = end - start + 1;
    if (length >= 0 && length != rangeLength) {
      throw new RegistryException(ErrorCode.SIZE_INVALID,
          "Content-Length " + length + " disagrees with Content-Range " + cr);
    }
    return rangeLength;
  }

  private static long contentLength(HttpServerRequest req) {
    String cl = req.getHeader("Content-Length");
    if (cl == null) {
      return -1;
    }
    try {
      long v = Long.parseLong(cl.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new RegistryException(ErrorCode.SIZE_INVALID, "invalid Content-Length: " + cl);
    }
  }

  static Reply created(RepoName repo, Digest d) {
    return Reply.of(201).header("Location", "/v2/" + repo + "/blobs/" + d).header("Docker-Content-Digest", d);
  }

  private static Reply accepted(int status, RepoName repo, UploadSession s) {
    return withLocation(Reply.of(status), repo, s);
  }

  private static Reply withLocation(Reply r, RepoName repo, UploadSession s) {
    return r.header("Location", "/v2/" + repo + "/blobs/uploads/" + s.uuid())
        .header("Range", "0-" + Math.max(0, s.offset() - 1))
        .header("Docker-Upload-UUID", s.uuid());
  }

  /** A chunk that does not start where the upload ends: 416 with the current Range. */
  private static final class OutOfOrder extends RuntimeException {
    OutOfOrder(String message) {
      super(message, null, false, false);
    }
  }
}
