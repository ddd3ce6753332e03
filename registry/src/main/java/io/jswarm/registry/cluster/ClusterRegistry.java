package io.jswarm.registry.cluster;

import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.RegistryServer;
import io.jswarm.registry.SwarmTls;
import io.jswarm.registry.store.BlobStore;
import java.time.Duration;

/**
 * The registry a manager serves inside a cluster: a {@link RegistryServer} whose metadata lives
 * in the cluster store ({@link RaftRegistryMetadata}) and whose blobs are shared with the other
 * managers ({@link BlobReplicator}). {@link #close()} stops both.
 */
public final class ClusterRegistry implements AutoCloseable {
  /** How long a manifest PUT waits for its blobs to reach a second manager. */
  public static final Duration DURABLE_TIMEOUT = Duration.ofSeconds(60);

  private final RegistryServer server;
  private final BlobReplicator replicator;
  private final String address;
  private final ClusterStore store;
  private final BlobStore blobs;

  private ClusterRegistry(RegistryServer server, BlobReplicator replicator, String address, ClusterStore store,
      BlobStore blobs) {
    this.server = server;
    this.replicator = replicator;
    this.address = address;
    this.store = store;
    this.blobs = blobs;
  }

  /** Collects unreferenced blobs on every manager (see {@link ClusterGc}). */
  public ClusterGc.Result gc(Duration grace, boolean dryRun) {
    return ClusterGc.collect(store, blobs, replicator, grace, dryRun);
  }

  /**
   * Binds {@code cfg}'s address and starts replicating. With {@link RegistryConfig#withSwarmTls}
   * the registry serves TLS and the managers copy blobs from each other with their certificates.
   *
   * @param advertised HOST:PORT other managers reach this registry at
   */
  public static ClusterRegistry start(RegistryConfig cfg, ClusterStore store, String selfId, String advertised,
      Duration durableTimeout) {
    BlobStore blobs = new BlobStore(cfg.root());
    SwarmTls tls = cfg.swarmTls();
    BlobReplicator replicator = new BlobReplicator(store, blobs, selfId, advertised, durableTimeout,
        tls == null ? null : tls.clientContext());
    RegistryServer server;
    try {
      // with the swarm's identity, nodes log in with their certificates: the shared secret is not accepted
      server = RegistryServer.start(cfg, new RaftRegistryMetadata(store), replicator,
          io.jswarm.registry.http.RegistryAccess.of(store::anonymousPull,
              tls == null ? store::registrySecret : () -> null));
    } catch (RuntimeException e) {
      replicator.close();
      throw e;
    }
    replicator.start();
    return new ClusterRegistry(server, replicator, advertised, store, blobs);
  }

  public String address() {
    return address;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    try {
      replicator.close();
    } finally {
      server.close();
    }
  }
}
