package io.jswarm.registry.http;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.store.BlobPlacement;
import io.jswarm.registry.store.BlobStore;
import io.jswarm.registry.store.RegistryMetadata;
import io.jswarm.registry.store.UploadStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/** What every handler shares: the stores and the limits of this server. */
public record RegistryContext(
    Vertx vertx,
    BlobStore blobs,
    UploadStore uploads,
    RegistryMetadata metadata,
    int maxManifestBytes,
    int maxPageSize,
    BlobPlacement placement) {

  /** True when the blob is in this server's store, after fetching it from a peer if need be. Blocking. */
  boolean localOrFetched(Digest d) {
    return blobs.exists(d) || placement.fetch(d);
  }

  /** Runs blocking work (file I/O, fsync) on the worker pool, unordered. */
  <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
