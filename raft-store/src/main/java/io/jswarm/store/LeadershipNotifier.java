package io.jswarm.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers leadership changes to listeners on one dedicated thread, in order, only on change.
 * Ratis callbacks push the new value; every quarter second the thread also compares with the
 * server's actual state, so a missed callback cannot leave a listener wrong for long.
 */
final class LeadershipNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeadershipNotifier.class);
  private static final long RECONCILE_MS = 250;

  private static final Runnable STOP = () -> { };

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private final BooleanSupplier actual;
  private final Thread thread;
  private volatile boolean closing;
  private boolean delivered; // only touched on the thread

  LeadershipNotifier(String name, BooleanSupplier actual) {
    this.actual = actual;
    this.thread = new Thread(this::run, "raft-store-leadership-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void signal(boolean isLeader) {
    tasks.add(() -> deliver(isLeader));
  }

  void addListener(LeadershipListener l) {
    tasks.add(() -> {
      listeners.add(l);
      if (delivered) {
        call(l, true);
      }
    });
  }

  private void run() {
    try {
      while (true) {
        Runnable task = tasks.poll(RECONCILE_MS, TimeUnit.MILLISECONDS);
        if (task == STOP) {
          return;
        } else if (task != null) {
          task.run();
        } else if (!closing) {
          deliver(safeActual());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean safeActual() {
    try {
      return actual.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void deliver(boolean isLeader) {
    if (isLeader == delivered) {
      return;
    }
    delivered = isLeader;
    for (LeadershipListener l : listeners) {
      call(l, isLeader);
    }
  }

  private static void call(LeadershipListener l, boolean isLeader) {
    try {
      l.leaderChanged(isLeader);
    } catch (RuntimeException e) {
      LOG.warn("leadership listener {} failed on leaderChanged({})", l, isLeader, e);
    }
  }

  /** Tells listeners this member is no longer leader (if it was), then stops the thread. */
  @Override
  public void close() {
    closing = true;
    signal(false);
    tasks.add(STOP);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }
}
