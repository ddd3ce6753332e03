package io.jswarm.cli.daemon;

import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
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

  /** Follows the cluster setting while the member runs. */
  synchronized void follow(RaftStore store) {
    close();
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          long want = store.read(v -> v.cluster().map(c -> c.getSpec().getElectionTimeoutMs()).orElse(0L));
          if (want > 0 && want != saved()) {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(want), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("election timeout " + want + " ms recorded; this manager takes it at its next start");
          }
          Thread.sleep(2_000); // a periodic look at one setting; nothing to wait on
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // the store is closing or the disk refused: look again later
        }
      }
    }, "raft-settings");
    t.setDaemon(true);
    t.start();
    follower = t;
  }

  @Override
  public synchronized void close() {
    Thread t = follower;
    follower = null;
    if (t != null) t.interrupt();
  }
}
