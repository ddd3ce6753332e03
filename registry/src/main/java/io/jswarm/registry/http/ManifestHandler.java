package io.jswarm.registry.http;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import io.jswarm.registry.core.Tag;
import io.jswarm.registry.manifest.ManifestParser;
import io.jswarm.registry.manifest.MediaTypes;
import io.jswarm.registry.manifest.ParsedManifest;
import io.jswarm.registry.store.Descriptor;
import io.jswarm.registry.store.RegistryMetadata;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code /v2/<name>/manifests/<reference>}: manifests are stored byte-exact (as blobs) and served
 * with the Content-Type they were pushed with. A pushed manifest must match the digest it is pushed
 * by, and everything it references must already be in the repository.
 */
final class ManifestHandler {
  private final RegistryContext ctx;

  ManifestHandler(RegistryContext ctx) {
    this.ctx = ctx;
  }

  void get(HttpServerRequest req, RepoName repo, String ref) {
    Exchange.reply(req, ctx.blocking(() -> {
      Digest d = resolve(repo, ref);
      String mediaType = d == null ? null : ctx.metadata().manifestMediaType(repo, d);
      long size = mediaType == null ? -1 : ctx.blobs().size(d);
      if (mediaType != null && size < 0 && ctx.placement().fetch(d)) { // pushed through another manager
        size = ctx.blobs().size(d);
      }
      if (size < 0) {
        throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + ref);
      }
      return Reply.of(200).file(ctx.blobs().path(d), 0, size)
          .header("Content-Type", mediaType)
          .header("Docker-Content-Digest", d)
          .header("ETag", "\"" + d + "\"");
    }));
  }

  /** The digest a tag or digest reference names, or null for an unknown tag. */
  private Digest resolve(RepoName repo, String ref) {
    if (Digest.looksLikeDigest(ref)) {
      return Digest.parse(ref);
    }
    return Tag.isValid(ref) ? ctx.metadata().resolveTag(repo, ref) : null;
  }

  void put(HttpServerRequest req, RepoName repo, String ref) {
    String contentType = req.getHeader("Content-Type");
    String cl = req.getHeader("Content-Length");
    int max = ctx.maxManifestBytes();
    if (cl != null && cl.matches("\\d{1,19}") && Long.parseLong(cl) > 4L * max) {
      // do not read a huge body just to refuse it
      req.response().putHeader("Connection", "close");
      Exchange.send(req, tooLarge(max));
      req.connection().close();
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(b -> {
      if (!over[0] && body.length() + b.length() > max) {
        over[0] = true;
      }
      if (!over[0]) {
        body.appendBuffer(b);
      }
    });
    req.exceptionHandler(t -> {});
    req.endHandler(v -> {
      if (over[0]) {
        Exchange.send(req, tooLarge(max));
      } else {
        Exchange.reply(req, ctx.blocking(() -> store(repo, ref, body.getBytes(), contentType)));
      }
    });
    req.resume();
  }

  private static Reply tooLarge(int max) {
    return Exchange.error(413, ErrorCode.SIZE_INVALID.name(), "manifest larger than " + max + " bytes", null);
  }

  private Reply store(RepoName repo, String ref, byte[] bytes, String contentType) {
    Digest actual = Digest.of(bytes);
    boolean byDigest = Digest.looksLikeDigest(ref);
    if (byDigest && !Digest.parse(ref).equals(actual)) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "manifest digest " + actual + " does not match " + ref);
    }
    if (!byDigest && !Tag.isValid(ref)) {
      throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag: " + ref);
    }
    ParsedManifest m = ManifestParser.parse(bytes, contentType);
    RegistryMetadata meta = ctx.metadata();
    for (Digest blob : m.blobs()) {
      if (!meta.hasBlob(repo, blob) || !ctx.localOrFetched(blob)) {
        throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, 400, "blob unknown to registry: " + blob, blob.toString());
      }
    }
    for (Digest child : m.manifests()) {
      if (meta.manifestMediaType(repo, child) == null) {
        throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, 400, "manifest unknown to registry: " + child,
            child.toString());
      }
    }
    ctx.blobs().put(bytes, actual);
    ctx.placement().stored(actual, bytes.length);
    // acknowledged only once what it references (and its own bytes) survive the loss of a server
    java.util.List<Digest> needed = new java.util.ArrayList<>(m.blobs());
    needed.addAll(m.manifests());
    needed.add(actual);
    ctx.placement().awaitDurable(needed);
    RegistryMetadata.Referrer referrer = m.subject() == null ? null
        : new RegistryMetadata.Referrer(m.subject(), new Descriptor(MediaTypes.bare(m.mediaType()), actual.toString(),
            bytes.length, m.artifactType(), m.annotations()));
    meta.putManifest(repo, actual, m.mediaType(), referrer, needed);
    if (!byDigest) {
      meta.tag(repo, ref, actual);
    }
    Reply r = Reply.of(201).header("Location", "/v2/" + repo + "/manifests/" + actual)
        .header("Docker-Content-Digest", actual);
    if (m.subject() != null) {
      r.header("OCI-Subject", m.subject());
    }
    return r;
  }

  void delete(HttpServerRequest req, RepoName repo, String ref) {
    Exchange.reply(req, ctx.blocking(() -> {
      if (Digest.looksLikeDigest(ref)) {
        Digest d = Digest.parse(ref);
        if (!ctx.metadata().deleteManifest(repo, d)) {
          throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + ref);
        }
      } else if (!Tag.isValid(ref) || !ctx.metadata().untag(repo, ref)) {
        throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag unknown: " + ref);
      }
      return Reply.of(202);
    }));
  }
}
