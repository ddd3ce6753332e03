package io.jswarm.registry.http;

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
    int maxPageSize) {

  /** Runs blocking work (file I/O, fsync) on the worker pool, unordered. */
  <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
