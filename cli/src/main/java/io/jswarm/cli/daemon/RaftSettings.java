package io.jswarm.cli.daemon;

import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.Watch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The Raft election timeout a manager starts with. Ratis takes it only at start, so the
 * cluster-wide setting ({@code swarm update --election-timeout}) is written to
 * data-root/raft-election-timeout-ms whenever this manager sees it change, and read at the next
 * start of this manager's Raft member.
 */
final class RaftSettings implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RaftSettings.class.getName());
  private final Path file;
  private volatile Thread follower;

  RaftSettings(Path dataRoot) {
    this.file = dataRoot.resolve("raft-election-timeout-ms");
  }

  /** The store config for this member: defaults, with the last election timeout the cluster set. */
  RaftStoreConfig config(Path raftDir, String nodeId, String raftAddr, java.util.List<io.jswarm.store.Member> members) {
    RaftStoreConfig d = RaftStoreConfig.defaults(raftDir, nodeId, raftAddr, members);
    long max = saved();
    if (max <= 0) return d;
    return new RaftStoreConfig(raftDir, nodeId, raftAddr, members, d.snapshotInterval(),
        Duration.ofMillis(max / 2), Duration.ofMillis(max), d.writeTimeout());
  }

  private long saved() {
    try {
      return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Follows the cluster setting while the member runs: driven by the store's watch (the cluster
   * object's changes), so it wakes only when a batch is applied, never on a timer.
   */
  synchronized void follow(RaftStore store) {
    close();
    Thread t = new Thread(() -> {
      try (Watch<Long> w = store.viewAndWatch(v -> v.cluster().map(c -> c.getSpec().getElectionTimeoutMs()).orElse(0L))) {
        record(w.initial());
        while (!Thread.currentThread().isInterrupted()) {
          // a blocking wait for the next applied batch; the timeout only bounds how long a close waits
          for (StoreEvent e : w.poll(Duration.ofMinutes(1))) {
            if (e.object().hasCluster() && e.newObject() != null) record(e.newObject().getCluster().getSpec().getElectionTimeoutMs());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warning("stopped following the election timeout setting: " + e.getMessage());
      }
    }, "raft-settings");
    t.setDaemon(true);
    t.start();
    follower = t;
  }

  private void record(long want) {
    if (want <= 0 || want == saved()) return;
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(want), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      LOG.info("election timeout " + want + " ms recorded; this manager takes it at its next start");
    } catch (IOException e) {
      LOG.warning("could not record the election timeout " + want + " ms: " + e.getMessage() + "; it applies when the setting changes again");
    }
  }

  @Override
  public synchronized void close() {
    Thread t = follower;
    follower = null;
    if (t != null) t.interrupt();
  }
}
