package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.jswarm.registry.client.DistributionClient;
import io.jswarm.registry.client.ImageReference;
import io.jswarm.registry.client.RegistryClientException;
import io.jswarm.registry.core.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Pushes a stored image to a registry: layer blobs, config, then the manifest under the tag. */
public final class ImagePusher {
  /** Per-blob progress: bytes sent of size; {@code existed} when the registry had it already. */
  @FunctionalInterface
  public interface Progress {
    void blob(String digest, long size, long sent, boolean existed);
  }

  private final ImageStore store;
  private final DistributionClient client;

  public ImagePusher(ImageStore store, DistributionClient client) {
    this.store = store;
    this.client = client;
  }

  /**
   * Pushes the local image {@code source} as {@code target} (REGISTRY/REPO[:TAG]).
   *
   * @return the pushed manifest's digest
   */
  public String push(String source, String target, Progress progress) {
    ImageReference ref;
    try {
      ref = ImageReference.parse(target);
    } catch (IllegalArgumentException e) {
      throw new EngineException(e.getMessage(), e);
    }
    if (!ref.remote()) {
      throw new EngineException("push needs a registry in the name: tag the image REGISTRY/REPO[:TAG] first");
    }
    ImageStore.Stored s = store.stored(source).orElseThrow(() -> new NotFoundException("no such image: " + source));
    try {
      JsonNode m = Json.MAPPER.readTree(s.manifest());
      for (JsonNode l : m.path("layers")) {
        pushBlob(ref, l.path("digest").asText(), l.path("size").asLong(), progress);
      }
      pushBlob(ref, m.path("config").path("digest").asText(), s.config().length, progress);
      String mediaType = m.path("mediaType").asText("application/vnd.oci.image.manifest.v1+json");
      return client.pushManifest(ref, mediaType, s.manifest()).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RegistryClientException e) {
      throw new EngineException("push of " + target + " failed: " + e.getMessage(), e);
    }
  }

  private void pushBlob(ImageReference ref, String digest, long size, Progress progress) {
    boolean sent = client.pushBlob(ref, Digest.parse(digest), size, () -> {
      try {
        return Files.newInputStream(store.blobPath(digest));
      } catch (IOException e) {
        throw new UncheckedIOException("blob " + digest + " is missing from the image store", e);
      }
    }, n -> progress.blob(digest, size, n, false));
    if (!sent) {
      progress.blob(digest, size, size, true);
    }
  }
}
