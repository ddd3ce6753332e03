/**
 * On-disk layout under the root: {@code blobs/sha256/ab/<hex>} (content addressed, manifests too),
 * {@code uploads/<uuid>/{repo,data}} (in-progress uploads, never visible), {@code repositories/<name>/…}
 * (metadata, see {@link io.jswarm.registry.store.DiskMetadata}). Every file becomes visible by an
 * atomic rename of an fsynced temporary ({@link io.jswarm.registry.store.AtomicFiles}).
 *
 * <p>Threading: {@link io.jswarm.registry.store.UploadSession#append} runs on the Vert.x event loop
 * (page-cache writes, running SHA-256); everything that fsyncs or scans runs on the worker pool.
 */
package io.jswarm.registry.store;
