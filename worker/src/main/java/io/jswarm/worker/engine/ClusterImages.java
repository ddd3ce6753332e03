package io.jswarm.worker.engine;

import io.jswarm.registry.client.ImageReference;
import io.jswarm.registry.client.RegistryClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Bare image names (NAME[:TAG], no registry host) in a swarm live in the managers' built-in
 * registry under the same repository name, so that one {@code jswarm image import} on any node
 * serves every node: {@link #store} puts an imported image there, {@link #pullPinned} fetches a
 * task's pinned image from there. All managers' registries share metadata and blobs, so any one
 * that answers will do; the others are tried in turn.
 */
public final class ClusterImages {
  private final LocalEngine engine;
  private volatile Supplier<List<String>> registries = List::of;

  ClusterImages(LocalEngine engine) {
    this.engine = engine;
  }

  void setRegistries(Supplier<List<String>> registries) {
    this.registries = registries;
  }

  private volatile java.util.function.BooleanSupplier mayPush = () -> true;

  /**
   * Whether this node may store images in the swarm's registry: managers may, workers may only
   * pull (their certificate's role), so a worker's import stays on the worker.
   */
  void setMayPush(java.util.function.BooleanSupplier mayPush) {
    this.mayPush = mayPush;
  }

  /** HOST:PORT of the swarm's registries, the local one first; empty when there is none. */
  public List<String> registries() {
    try {
      return registries.get();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** True for NAME[:TAG] (no registry host): names that live in the cluster registry. */
  public static boolean bare(String name) {
    try {
      return !ImageReference.parse(name).remote();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Pushes the local image {@code name} (bare NAME[:TAG]) to the cluster registry as
   * REGISTRY/NAME:TAG.
   *
   * @return the reference it was stored as; empty when the node knows no cluster registry
   * @throws EngineException every registry refused or failed (the message says why)
   */
  public Optional<String> store(String name) {
    List<String> regs = registries();
    if (regs.isEmpty() || !bare(name) || !mayPush.getAsBoolean()) {
      return Optional.empty();
    }
    ImageReference ref = ImageReference.parse(name);
    List<String> failures = new ArrayList<>();
    for (String reg : regs) {
      String target = reg + "/" + ref.repository() + ":" + ref.tag();
      try {
        engine.pusher().push(name, target, (d, size, sent, existed) -> { });
        return Optional.of(target);
      } catch (NotFoundException e) {
        throw e;
      } catch (RuntimeException e) {
        failures.add(reg + ": " + e.getMessage());
      }
    }
    throw new EngineException("the image was imported on this node, but storing it in the swarm's registry failed ("
        + String.join("; ", failures) + "); other nodes cannot run it until it is there: run the import again");
  }

  /**
   * Pulls the image a task pinned ({@code name} = bare NAME[:TAG], {@code digest} = the manifest
   * digest the manager resolved) from the cluster registry.
   *
   * @return the local image id; empty when no cluster registry holds that digest (a local-only
   *     image, pinned by its id before the swarm had a registry) or the node knows none
   * @throws EngineException the registries could not be asked or the pull failed
   */
  public Optional<String> pullPinned(String name, String digest) {
    List<String> regs = registries();
    if (regs.isEmpty() || !bare(name) || !digest.startsWith("sha256:")) {
      return Optional.empty();
    }
    String repository = ImageReference.parse(name).repository();
    List<String> failures = new ArrayList<>();
    for (String reg : regs) {
      try {
        return Optional.of(engine.puller().pull(reg + "/" + repository + "@" + digest, (d, s, st) -> { }).getId());
      } catch (RuntimeException e) {
        if (status(e) == 404) {
          return Optional.empty(); // the registries share metadata: none of them has it
        }
        failures.add(reg + ": " + e.getMessage());
      }
    }
    throw new EngineException("cannot pull " + name + "@" + digest + " from the swarm's registry: "
        + String.join("; ", failures));
  }

  private static int status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RegistryClientException r) {
        return r.status();
      }
    }
    return 0;
  }
}
