package io.jswarm.manager;

import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.Watch;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes a snapshot on this manager every {@code snapshot_interval} applied entries, as the
 * cluster settings say (so {@code swarm update --snapshot-interval} applies at once, without a
 * restart; Ratis' own trigger only knows the value it was started with). Runs on every manager,
 * leader or not: each member compacts its own log. Driven by the store's watch: it wakes when a
 * batch is applied (and reads the interval from the cluster object's events), never on a timer.
 */
final class SnapshotKeeper implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SnapshotKeeper.class.getName());
  private final RaftStore store;
  private final Thread thread;
  private volatile boolean running = true;
  private long lastSnapshotIndex;
  private long interval;

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
    try (Watch<Long> watch = store.viewAndWatch(v -> v.cluster().map(c -> c.getSpec().getSnapshotInterval()).orElse(0L))) {
      interval = watch.initial();
      while (running) {
        // a blocking wait for the next applied batch; the timeout only bounds how long a close waits
        List<StoreEvent> batch = watch.poll(Duration.ofMinutes(1));
        for (StoreEvent e : batch) {
          if (e.object().hasCluster() && e.newObject() != null) interval = e.newObject().getCluster().getSpec().getSnapshotInterval();
        }
        if (!batch.isEmpty()) maybeSnapshot();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) LOG.log(Level.WARNING, "snapshot keeper stopped", e);
    }
  }

  private void maybeSnapshot() {
    long applied = store.appliedIndex();
    if (interval <= 0 || applied - lastSnapshotIndex < interval) return;
    try {
      store.takeSnapshot();
      lastSnapshotIndex = applied;
    } catch (Exception e) {
      if (running) LOG.log(Level.FINE, "snapshot failed; trying again after the next batch", e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
