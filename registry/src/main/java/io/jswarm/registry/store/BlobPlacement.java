package io.jswarm.registry.store;

import io.jswarm.registry.core.Digest;
import java.util.Collection;

/**
 * Where blob bytes live beyond this server's own {@link BlobStore}: the seam through which a
 * cluster of registries (every manager) shares blobs. {@link #LOCAL} is a registry alone.
 */
public interface BlobPlacement {

  /** The blob's bytes were just committed to this server's blob store (upload, mount, manifest). */
  void stored(Digest blob, long size);

  /**
   * The metadata knows the blob but this server's blob store lacks it: fetch it (verified) from a
   * server that holds it. Blocks; returns whether the blob is in the local store now.
   */
  boolean fetch(Digest blob);

  /**
   * Blocks until every blob is held by enough servers that losing any one of them loses none of
   * the blobs. Throws a {@link io.jswarm.registry.core.RegistryException} (503) when that does not
   * happen in time.
   */
  void awaitDurable(Collection<Digest> blobs);

  /** A registry alone: its own disk is all there is. */
  BlobPlacement LOCAL = new BlobPlacement() {
    @Override
    public void stored(Digest blob, long size) {}

    @Override
    public boolean fetch(Digest blob) {
      return false;
    }

    @Override
    public void awaitDurable(Collection<Digest> blobs) {}
  };
}
