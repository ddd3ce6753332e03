package io.jswarm.cli.daemon;

import io.jswarm.api.NodeSpec;
import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryRepository;
import io.jswarm.api.StoreObject;
import io.jswarm.registry.cluster.ClusterStore;
import io.jswarm.store.ConflictException;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreException;
import io.jswarm.store.Tx;
import io.jswarm.store.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry's {@link ClusterStore} on raft-store: each update is one Raft entry with the
 * optimistic version check, retried (bounded) when another manager changed the object meanwhile.
 */
final class RaftClusterStore implements ClusterStore {
  private static final Logger LOG = Logger.getLogger(RaftClusterStore.class.getName());
  private static final int MAX_ATTEMPTS = 50;

  private final RaftStore store;
  private final String selfId;

  RaftClusterStore(RaftStore store, String selfId) {
    this.store = store;
    this.selfId = selfId;
  }

  @Override
  public Optional<RegistryRepository> repository(String name) {
    return store.read(v -> v.registryRepository(name));
  }

  @Override
  public List<RegistryRepository> repositories() {
    return store.read(v -> v.registryRepositories());
  }

  @Override
  public Optional<RegistryBlob> blob(String digest) {
    return store.read(v -> v.registryBlob(digest));
  }

  @Override
  public List<RegistryBlob> blobs() {
    return store.read(v -> v.registryBlobs());
  }

  @Override
  public void updateRepository(String name, UnaryOperator<RegistryRepository> fn) {
    rewrite("repository " + name, tx -> tx.registryRepository(name).orElse(null), fn,
        (tx, c) -> tx.create(c), (tx, c) -> tx.update(c), (tx, c) -> tx.delete(c));
  }

  @Override
  public void updateRepositoryReferencing(String name, UnaryOperator<RegistryRepository> fn,
      java.util.Collection<String> referenced) {
    rewrite("repository " + name, tx -> {
      // one entry with the manifest: every referenced blob record is rewritten (new version), so
      // a garbage collection's version-checked delete of it fails; a record already deleted means
      // the blob was collected, and the manifest must not land
      for (String d : referenced) {
        RegistryBlob b = tx.registryBlob(d).orElseThrow(() -> new io.jswarm.registry.core.RegistryException(
            io.jswarm.registry.core.ErrorCode.MANIFEST_BLOB_UNKNOWN, 400, "blob unknown to registry: " + d
                + " (collected while this manifest was pushed; upload it again)", d));
        tx.update(b);
      }
      return tx.registryRepository(name).orElse(null);
    }, fn, (tx, c) -> tx.create(c), (tx, c) -> tx.update(c), (tx, c) -> tx.delete(c));
  }

  @Override
  public void updateBlob(String digest, UnaryOperator<RegistryBlob> fn) {
    rewrite("blob " + digest, tx -> tx.registryBlob(digest).orElse(null), fn,
        (tx, c) -> tx.create(c), (tx, c) -> tx.update(c), (tx, c) -> tx.delete(c));
  }

  private <T> void rewrite(String what, Function<Tx, T> get, UnaryOperator<T> fn,
      BiConsumer<Tx, T> create, BiConsumer<Tx, T> update, BiConsumer<Tx, T> delete) {
    ConflictException last = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        store.update(tx -> {
          T cur = get.apply(tx);
          T next = fn.apply(cur);
          if (next == null) {
            if (cur != null) delete.accept(tx, cur);
          } else if (cur == null) {
            create.accept(tx, next);
          } else if (!next.equals(cur)) {
            update.accept(tx, next);
          }
        });
        return;
      } catch (ConflictException e) {
        last = e; // another manager wrote it between our read and the apply: read again
      } catch (StoreException e) {
        throw new io.jswarm.registry.core.RegistryException(io.jswarm.registry.core.ErrorCode.UNAVAILABLE, 503,
            "cluster store unavailable writing registry " + what + ": " + e.getMessage(), null);
      }
    }
    throw new io.jswarm.registry.core.RegistryException(io.jswarm.registry.core.ErrorCode.UNAVAILABLE, 503,
        "registry " + what + " kept changing under " + MAX_ATTEMPTS + " attempts: " + last.getMessage(), null);
  }

  private volatile boolean secretAsked;

  /**
   * The Cluster's registry secret. A swarm created before there was one gets one here, once
   * (by whichever manager asks first; a conflict means another one did).
   */
  @Override
  public String registrySecret() {
    String s = store.read(v -> v.cluster().map(c -> c.getRegistrySecret()).orElse(""));
    if (!s.isEmpty() || secretAsked) return s;
    secretAsked = true;
    try {
      store.update(tx -> tx.cluster().filter(c -> c.getRegistrySecret().isEmpty()).ifPresent(c ->
          tx.update(c.toBuilder().setRegistrySecret(ClusterBootstrap.newRegistrySecret()).build())));
    } catch (StoreException | RuntimeException e) {
      LOG.log(Level.FINE, "registry secret not set here; another manager may have", e);
    }
    return store.read(v -> v.cluster().map(c -> c.getRegistrySecret()).orElse(""));
  }

  @Override
  public boolean anonymousPull() {
    return store.read(v -> v.cluster().map(c -> c.getSpec().getRegistryAnonymousPull()).orElse(false));
  }

  @Override
  public Set<String> managers() {
    return store.read(v -> {
      Set<String> ids = new TreeSet<>();
      ids.add(selfId);
      v.nodes().stream().filter(n -> n.getRole() == NodeSpec.Role.MANAGER).forEach(n -> ids.add(n.getId()));
      return ids;
    });
  }

  @Override
  public AutoCloseable onBlobChanges(Consumer<List<RegistryBlob>> listener) {
    return onBlobEvents(listener, deleted -> { });
  }

  @Override
  public AutoCloseable onBlobEvents(Consumer<List<RegistryBlob>> listener, Consumer<List<String>> deletedListener) {
    Watch<Void> w = store.watch();
    Thread t = new Thread(() -> {
      while (!w.isClosed()) {
        try {
          List<StoreEvent> events = w.poll(Duration.ofSeconds(1));
          List<RegistryBlob> changed = new ArrayList<>();
          List<String> deleted = new ArrayList<>();
          for (StoreEvent e : events) {
            if (e.newObject() != null && e.newObject().getObjectCase() == StoreObject.ObjectCase.REGISTRY_BLOB) {
              changed.add(e.newObject().getRegistryBlob());
            } else if (e.newObject() == null && e.oldObject() != null
                && e.oldObject().getObjectCase() == StoreObject.ObjectCase.REGISTRY_BLOB) {
              deleted.add(e.oldObject().getRegistryBlob().getDigest());
            }
          }
          if (!changed.isEmpty()) listener.accept(changed);
          if (!deleted.isEmpty()) deletedListener.accept(deleted);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "registry blob watcher", e);
        }
      }
    }, "registry-blob-watch");
    t.setDaemon(true);
    t.start();
    return () -> {
      w.close();
      t.interrupt();
    };
  }
}
