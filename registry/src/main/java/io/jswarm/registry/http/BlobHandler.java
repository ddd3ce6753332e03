package io.jswarm.registry.http;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import io.vertx.core.http.HttpServerRequest;

/** {@code GET|HEAD|DELETE /v2/<name>/blobs/<digest>}: blobs served zero-copy, with single byte ranges. */
final class BlobHandler {
  private final RegistryContext ctx;

  BlobHandler(RegistryContext ctx) {
    this.ctx = ctx;
  }

  void get(HttpServerRequest req, RepoName repo, String ref) {
    String rangeHeader = req.getHeader("Range");
    Exchange.reply(req, ctx.blocking(() -> {
      Digest d = Digest.parse(ref);
      long size = -1;
      if (ctx.metadata().hasBlob(repo, d)) {
        size = ctx.blobs().size(d);
        if (size < 0 && ctx.placement().fetch(d)) { // known to the cluster, held by another manager
          size = ctx.blobs().size(d);
        }
      }
      if (size < 0) {
        throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob unknown to registry: " + d);
      }
      ByteRange range;
      try {
        range = ByteRange.parse(rangeHeader, size);
      } catch (ByteRange.Unsatisfiable e) {
        return Exchange.error(416, "BLOB_UNKNOWN", "requested range not satisfiable for blob of " + size + " bytes",
                null)
            .header("Content-Range", "bytes */" + size);
      }
      Reply r = range == null ? Reply.of(200).file(ctx.blobs().path(d), 0, size)
          : Reply.of(206).file(ctx.blobs().path(d), range.start(), range.length())
              .header("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + size);
      return r.header("Content-Type", "application/octet-stream")
          .header("Docker-Content-Digest", d)
          .header("Accept-Ranges", "bytes")
          .header("ETag", "\"" + d + "\"")
          .header("Cache-Control", "max-age=31536000");
    }));
  }

  /**
   * {@code GET /_jswarm/blobs/<digest>}: a blob this server holds, whatever repository links it;
   * how cluster peers copy blobs from each other. Never fetches from a peer itself.
   */
  void getHeld(HttpServerRequest req, String ref) {
    Exchange.reply(req, ctx.blocking(() -> {
      Digest d = Digest.parse(ref);
      long size = ctx.blobs().size(d);
      if (size < 0) {
        throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob not held here: " + d);
      }
      return Reply.of(200).file(ctx.blobs().path(d), 0, size)
          .header("Content-Type", "application/octet-stream")
          .header("Docker-Content-Digest", d);
    }));
  }

  void delete(HttpServerRequest req, RepoName repo, String ref) {
    Exchange.reply(req, ctx.blocking(() -> {
      Digest d = Digest.parse(ref);
      if (!ctx.metadata().unlinkBlob(repo, d)) {
        throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob unknown to registry: " + d);
      }
      return Reply.of(202).header("Docker-Content-Digest", d);
    }));
  }
}
