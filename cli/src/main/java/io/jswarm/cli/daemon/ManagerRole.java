package io.jswarm.cli.daemon;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.manager.ImageResolver;
import io.jswarm.manager.Manager;
import io.jswarm.store.Member;
import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** The manager role of this node: its Raft member (data-root/raft) and the Manager on top. */
final class ManagerRole {
  private final DaemonConfig cfg;
  private final String nodeId;
  private final ImageResolver images;
  private final DispatcherProxy dispatcherProxy;
  private volatile Manager manager;

  ManagerRole(DaemonConfig cfg, String nodeId, ImageResolver images, DispatcherProxy dispatcherProxy) {
    this.cfg = cfg;
    this.nodeId = nodeId;
    this.images = images;
    this.dispatcherProxy = dispatcherProxy;
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
    RaftStoreConfig rc = RaftStoreConfig.defaults(raftDir(), nodeId, cfg.raftAddr(), initialMembers);
    RaftStore store = RaftStore.open(rc);
    Manager m = new Manager(store, images);
    dispatcherProxy.set(m.dispatcher());
    m.start();
    manager = m;
    return m;
  }

  synchronized void stop() {
    dispatcherProxy.set(null);
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

  void awaitLeader(Duration timeout) throws InterruptedException, StatusException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (manager == null || manager.store().leaderId().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw Status.UNAVAILABLE.withDescription("no Raft leader within " + timeout.toSeconds() + " s").asException();
      }
      Thread.sleep(20); // polling a flag the Ratis thread sets; bounded by the deadline above
    }
  }

  void awaitSelfLeader(Duration timeout) throws InterruptedException, StatusException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (manager == null || !manager.store().isLeader()) {
      if (System.nanoTime() > deadline) {
        throw Status.UNAVAILABLE.withDescription("this node did not become leader within " + timeout.toSeconds() + " s").asException();
      }
      Thread.sleep(20); // as above
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
