package io.jswarm.manager;

import io.jswarm.store.RaftStore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes a snapshot on this manager every {@code snapshot_interval} applied entries, as the
 * cluster settings say (so {@code swarm update --snapshot-interval} applies at once, without a
 * restart; Ratis' own trigger only knows the value it was started with). Runs on every manager,
 * leader or not: each member compacts its own log.
 */
final class SnapshotKeeper implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SnapshotKeeper.class.getName());
  private final RaftStore store;
  private final Thread thread;
  private volatile boolean running = true;
  private long lastSnapshotIndex;

  SnapshotKeeper(RaftStore store) {
    this.store = store;
    this.lastSnapshotIndex = store.appliedIndex();
    this.thread = new Thread(this::run, "snapshot-keeper");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(1_000); // a periodic check of a counter; nothing to wait on
        long interval = store.read(v -> v.cluster().map(c -> c.getSpec().getSnapshotInterval()).orElse(0L));
        long applied = store.appliedIndex();
        if (interval > 0 && applied - lastSnapshotIndex >= interval) {
          store.takeSnapshot();
          lastSnapshotIndex = applied;
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (running) LOG.log(Level.FINE, "snapshot failed; trying again later", e);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
