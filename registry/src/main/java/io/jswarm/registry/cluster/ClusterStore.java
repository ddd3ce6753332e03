package io.jswarm.registry.cluster;

import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryRepository;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What the cluster registry needs of the replicated store, implemented by the daemon on top of
 * raft-store (the registry module does not depend on raft-store). Reads are of this manager's
 * applied state; writes are replicated and durable when they return.
 */
public interface ClusterStore {
  Optional<RegistryRepository> repository(String name);

  List<RegistryRepository> repositories();

  Optional<RegistryBlob> blob(String digest);

  List<RegistryBlob> blobs();

  /**
   * Rewrites one repository atomically: {@code fn} gets the stored one (null when there is none)
   * and returns the new one (null deletes it; an equal object writes nothing). {@code fn} may run
   * more than once (version conflicts are retried), so it must not have other effects.
   */
  void updateRepository(String name, UnaryOperator<RegistryRepository> fn);

  /**
   * As {@link #updateRepository}, and in the same atomic write bumps the version of every blob
   * record in {@code referenced} (a manifest PUT: the manifest and what it references). A garbage
   * collection that read one of those records before cannot delete it afterwards (its delete is
   * version checked), and one that deleted it first makes this write fail with
   * MANIFEST_BLOB_UNKNOWN, writing nothing: the manifest never lands without its blobs.
   */
  void updateRepositoryReferencing(String name, UnaryOperator<RegistryRepository> fn, java.util.Collection<String> referenced);

  /** As {@link #updateRepository} for a blob record. */
  void updateBlob(String digest, UnaryOperator<RegistryBlob> fn);

  /** Node ids of the cluster's managers, this one included. */
  Set<String> managers();

  /** The cluster's registry secret (the nodes' login, see RegistryAccess); empty when there is none. */
  default String registrySecret() {
    return "";
  }

  /** Whether the cluster lets clients without credentials pull (ClusterSpec.registry_anonymous_pull). */
  default boolean anonymousPull() {
    return false;
  }

  /** Calls {@code listener} (off the store's apply thread) after blob records change. Close to stop. */
  AutoCloseable onBlobChanges(Consumer<List<RegistryBlob>> listener);

  /**
   * As {@link #onBlobChanges}, and {@code deleted} gets the digests of blob records deleted
   * (garbage collection).
   */
  default AutoCloseable onBlobEvents(Consumer<List<RegistryBlob>> changed, Consumer<List<String>> deleted) {
    return onBlobChanges(changed);
  }
}
