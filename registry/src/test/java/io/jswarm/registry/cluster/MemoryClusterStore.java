package io.jswarm.registry.cluster;

import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link ClusterStore} in memory, shared by several registries of one test as raft-store is
 * shared by managers: writes are serialized, listeners are told after each blob change off the
 * writer's thread (as raft-store tells them off its apply thread). Every write gives the object
 * a new version, as raft-store does (the entry index), so version-checked deletes behave the same.
 */
final class MemoryClusterStore implements ClusterStore, AutoCloseable {
  private final Map<String, RegistryRepository> repos = new TreeMap<>();
  private final Map<String, RegistryBlob> blobs = new TreeMap<>();
  private final Set<String> managers;
  private final List<Consumer<List<RegistryBlob>>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "memory-store-notify");
    t.setDaemon(true);
    return t;
  });
  volatile String secret = "";

  MemoryClusterStore(Set<String> managers) {
    this.managers = managers;
  }

  @Override
  public synchronized Optional<RegistryRepository> repository(String name) {
    return Optional.ofNullable(repos.get(name));
  }

  @Override
  public synchronized List<RegistryRepository> repositories() {
    return new ArrayList<>(repos.values());
  }

  @Override
  public synchronized Optional<RegistryBlob> blob(String digest) {
    return Optional.ofNullable(blobs.get(digest));
  }

  @Override
  public synchronized List<RegistryBlob> blobs() {
    return new ArrayList<>(blobs.values());
  }

  private long version;

  private io.jswarm.api.Meta meta(io.jswarm.api.Meta cur) {
    long now = System.currentTimeMillis();
    return io.jswarm.api.Meta.newBuilder().setVersion(++version).setCreatedAtMs(cur.getCreatedAtMs() == 0 ? now : cur.getCreatedAtMs())
        .setUpdatedAtMs(now).build();
  }

  @Override
  public synchronized void updateRepository(String name, UnaryOperator<RegistryRepository> fn) {
    RegistryRepository cur = repos.get(name);
    RegistryRepository next = fn.apply(cur);
    if (next == null) {
      repos.remove(name);
    } else if (!next.equals(cur)) {
      repos.put(name, next.toBuilder().setMeta(meta(next.getMeta())).build());
    }
  }

  @Override
  public void updateRepositoryReferencing(String name, UnaryOperator<RegistryRepository> fn, java.util.Collection<String> referenced) {
    List<RegistryBlob> touched = new ArrayList<>();
    synchronized (this) {
      for (String d : referenced) {
        if (!blobs.containsKey(d)) {
          throw new io.jswarm.registry.core.RegistryException(io.jswarm.registry.core.ErrorCode.MANIFEST_BLOB_UNKNOWN, 400,
              "blob unknown to registry: " + d, d);
        }
      }
      for (String d : referenced) {
        RegistryBlob b = blobs.get(d);
        RegistryBlob bumped = b.toBuilder().setMeta(meta(b.getMeta())).build();
        blobs.put(d, bumped);
        touched.add(bumped);
      }
      updateRepository(name, fn);
    }
    if (!touched.isEmpty()) notifier.execute(() -> listeners.forEach(l -> l.accept(touched)));
  }

  @Override
  public void updateBlob(String digest, UnaryOperator<RegistryBlob> fn) {
    RegistryBlob next;
    synchronized (this) {
      RegistryBlob cur = blobs.get(digest);
      next = fn.apply(cur);
      if (next == null) {
        blobs.remove(digest);
        return;
      }
      if (next.equals(cur)) {
        return;
      }
      next = next.toBuilder().setMeta(meta(next.getMeta())).build();
      blobs.put(digest, next);
    }
    RegistryBlob written = next;
    notifier.execute(() -> listeners.forEach(l -> l.accept(List.of(written))));
  }

  @Override
  public Set<String> managers() {
    return managers;
  }

  @Override
  public String registrySecret() {
    return secret;
  }

  @Override
  public AutoCloseable onBlobChanges(Consumer<List<RegistryBlob>> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    notifier.shutdownNow();
  }
}
