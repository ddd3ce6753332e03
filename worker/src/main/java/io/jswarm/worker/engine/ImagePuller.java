package io.jswarm.worker.engine;

import io.jswarm.api.ImageSummary;
import io.jswarm.registry.client.DistributionClient;
import io.jswarm.registry.client.ImageReference;
import io.jswarm.registry.client.RegistryClientException;
import io.jswarm.registry.core.Digest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pulls images from a registry into the {@link ImageStore}: manifest (an index resolved to this
 * node's platform), config, then each missing layer streamed through digest verification into the
 * store's unpacker. Concurrent pulls of one reference share a single pull.
 */
public final class ImagePuller {
  private final ImageStore store;
  private final DistributionClient client;
  private final Map<String, CompletableFuture<ImageSummary>> inFlight = new ConcurrentHashMap<>();

  public ImagePuller(ImageStore store, DistributionClient client) {
    this.store = store;
    this.client = client;
  }

  /**
   * Pulls {@code reference} (REGISTRY/REPO[:TAG|@DIGEST]); a pull by digest that is already
   * stored fetches nothing.
   *
   * @throws EngineException the registry failed or refused; InvalidArchiveException bad content
   */
  public ImageSummary pull(String reference, ImageStore.LayerListener listener) {
    ImageReference ref;
    try {
      ref = ImageReference.parse(reference);
    } catch (IllegalArgumentException e) {
      throw new EngineException(e.getMessage(), e);
    }
    if (!ref.remote()) {
      throw new EngineException("image " + reference + " names no registry: pull REGISTRY/REPO[:TAG]", null);
    }
    CompletableFuture<ImageSummary> mine = new CompletableFuture<>();
    CompletableFuture<ImageSummary> running = inFlight.putIfAbsent(ref.toString(), mine);
    if (running != null) {
      return join(running);
    }
    try {
      mine.complete(doPull(ref, listener));
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
    } finally {
      inFlight.remove(ref.toString(), mine);
    }
    return join(mine);
  }

  private ImageSummary doPull(ImageReference ref, ImageStore.LayerListener listener) {
    String tag = ref.tag() == null ? null : ref.name() + ":" + ref.tag();
    if (ref.digest() != null) {
      var have = store.resolve(ref.digest().toString());
      if (have.isPresent()) {
        return tag == null ? store.list().stream().filter(s -> s.getId().equals(have.get().id())).findFirst().orElseThrow()
            : store.tag(have.get().id(), tag);
      }
    }
    try {
      DistributionClient.Resolved r = client.resolve(ref, "linux", arch());
      var json = r.image().json();
      Digest configDigest = Digest.parse(json.path("config").path("digest").asText());
      byte[] config = client.blobBytes(ref, configDigest, json.path("config").path("size").asLong(-1));
      List<String> aliases = r.top().digest().equals(r.image().digest()) ? List.of() : List.of(r.top().digest().toString());
      return store.putImage(tag, aliases, r.image().bytes(), config,
          (d, size) -> client.blob(ref, Digest.parse(d), size), listener);
    } catch (RegistryClientException | io.jswarm.registry.core.RegistryException e) {
      throw new EngineException("pull of " + ref + " failed: " + e.getMessage(), e);
    }
  }

  private static ImageSummary join(CompletableFuture<ImageSummary> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  static String arch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> a;
    };
  }
}
