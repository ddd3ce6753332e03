package io.jswarm.cli.daemon;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.manager.ImageResolver;
import io.jswarm.manager.Manager;
import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.cluster.ClusterRegistry;
import io.jswarm.store.Member;
import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The manager role of this node: its Raft member (data-root/raft), the Manager on top, and the
 * cluster registry (data-root/registry, metadata in the Raft store) on --registry-addr.
 */
final class ManagerRole {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ManagerRole.class.getName());
  private final DaemonConfig cfg;
  private final String nodeId;
  private final ImageResolver images;
  private final DispatcherProxy dispatcherProxy;
  private volatile Manager manager;
  private volatile LeaderSignal leaderSignal;
  private volatile ClusterRegistry registry;
  private volatile io.jswarm.manager.ca.CertificateAuthority ca;
  private final RaftSettings raftSettings;
  private final NodeCredentials credentials;

  ManagerRole(DaemonConfig cfg, String nodeId, ImageResolver images, DispatcherProxy dispatcherProxy,
      NodeCredentials credentials) {
    this.credentials = credentials;
    this.cfg = cfg;
    this.nodeId = nodeId;
    this.images = images;
    this.dispatcherProxy = dispatcherProxy;
    this.raftSettings = new RaftSettings(cfg.dataRoot());
  }

  Manager manager() {
    return manager;
  }

  Path raftDir() {
    return cfg.dataRoot().resolve("raft");
  }

  /**
   * Starts the Raft member: a new group of {@code initialMembers}, or (empty) a restart from
   * disk or a member waiting to be added by the leader.
   */
  synchronized Manager start(List<Member> initialMembers) throws IOException {
    if (manager != null) return manager;
    RaftStoreConfig rc = raftSettings.config(raftDir(), nodeId, cfg.raftAddr(), initialMembers);
    // Raft speaks mutual TLS with manager certificates of this swarm only
    RaftStore store = RaftStore.open(rc, credentials.raftTls());
    ca = new io.jswarm.manager.ca.CertificateAuthority(store, credentials::clusterKey);
    LeaderSignal signal = new LeaderSignal();
    store.addLeadershipListener(signal);
    leaderSignal = signal;
    Manager m = new Manager(store, images, credentials::clusterKey);
    dispatcherProxy.set(m.dispatcher());
    m.start();
    raftSettings.follow(store);
    manager = m;
    registry = startRegistry(store);
    return m;
  }

  /** The cluster registry on --registry-addr; a bind failure is logged and the manager goes on without. */
  private ClusterRegistry startRegistry(RaftStore store) {
    String addr = cfg.registryAddr();
    if (addr == null) return null;
    int colon = addr.lastIndexOf(':');
    try {
      RegistryConfig rc = RegistryConfig.of(cfg.dataRoot().resolve("registry"))
          .withAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
      if (cfg.registryHtpasswd() != null) rc = rc.withHtpasswd(cfg.registryHtpasswd());
      // TLS with this manager's certificate; nodes authenticate with theirs, people with htpasswd
      // logins or Bearer tokens signed with a key every manager derives from the cluster key
      rc = rc.withSwarmTls(credentials.registryTls());
      byte[] ck = credentials.clusterKey();
      if (ck != null) rc = rc.withTokens(tokenKey(ck), java.time.Duration.ofMinutes(5));
      ClusterRegistry r = ClusterRegistry.start(rc, new RaftClusterStore(store, nodeId), nodeId, addr,
          ClusterRegistry.DURABLE_TIMEOUT);
      LOG.info("cluster registry serving on " + addr);
      return r;
    } catch (RuntimeException e) {
      LOG.warning("the cluster registry could not start on " + addr + " (" + e.getMessage()
          + "); this manager runs without it (set --registry-addr, or none)");
      return null;
    }
  }

  /** The swarm CA as this manager issues from it, or null when it is no manager. */
  io.jswarm.manager.ca.CertificateAuthority ca() {
    return manager == null ? null : ca;
  }

  /** The Bearer token key: HMAC of a label under the cluster key, so every manager accepts every manager's tokens. */
  static byte[] tokenKey(byte[] clusterKey) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(clusterKey, "HmacSHA256"));
      return mac.doFinal("jswarm registry token key v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The registry this manager serves, or null. */
  ClusterRegistry registry() {
    return registry;
  }

  /** HOST:PORT of the registry this manager serves, or null. */
  String registryAddr() {
    ClusterRegistry r = registry;
    return r == null ? null : r.address();
  }

  synchronized void stop() {
    raftSettings.close();
    leaderSignal = null;
    dispatcherProxy.set(null);
    ClusterRegistry r = registry;
    registry = null;
    if (r != null) {
      try {
        r.close();
      } catch (RuntimeException e) {
        LOG.warning("closing the cluster registry: " + e.getMessage());
      }
    }
    Manager m = manager;
    manager = null;
    if (m != null) {
      m.close();
      m.store().close();
    }
  }

  /** Stops the member and forgets its log: after leaving or a demotion. */
  synchronized void stopAndWipe() {
    stop();
    deleteRecursively(raftDir());
  }

  /**
   * Waits until this member knows a leader. Woken by the watch as the leader replicates entries
   * here (a joining member's first sign of it); the short re-check bounds the case where the
   * member was already caught up.
   */
  void awaitLeader(Duration timeout) throws InterruptedException, StatusException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Manager m = manager;
    if (m == null) throw Status.UNAVAILABLE.withDescription("this node runs no manager").asException();
    try (io.jswarm.store.Watch<Void> w = m.store().watch()) {
      while (m.store().leaderId().isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw Status.UNAVAILABLE.withDescription("no Raft leader within " + timeout.toSeconds() + " s").asException();
        }
        w.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(100).toNanos())));
      }
    }
  }

  /** Waits for Raft's leadership callback ({@link LeaderSignal}) saying this member leads. */
  void awaitSelfLeader(Duration timeout) throws InterruptedException, StatusException {
    LeaderSignal s = leaderSignal;
    if (s == null || !s.await(timeout)) {
      throw Status.UNAVAILABLE.withDescription("this node did not become leader within " + timeout.toSeconds() + " s").asException();
    }
  }

  /** Whether this member leads, as the store's leadership notifications say; waiters are woken on change. */
  private static final class LeaderSignal implements io.jswarm.store.LeadershipListener {
    private boolean leader;

    @Override
    public synchronized void leaderChanged(boolean isLeader) {
      leader = isLeader;
      notifyAll();
    }

    synchronized boolean await(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!leader) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  static void deleteRecursively(Path p) {
    if (!Files.exists(p)) return;
    try (var walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // what remains is overwritten by the next member started here
    }
  }
}
