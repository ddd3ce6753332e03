package io.jswarm.manager;

import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import io.jswarm.store.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A leader component's thread, driven by the store's watch events. At start (and on a slow
 * resync timer) it reads the whole state once, atomically with subscribing ({@link #reset}), and
 * runs a pass; after that it keeps its own indexes from each applied batch ({@link #onEvent}) and
 * runs a pass only when a relevant batch arrived or a deadline it asked for ({@link #nextDueMs})
 * is due. An idle cluster wakes it only for the resync: nothing is scanned every second.
 *
 * <p>The full read on start is what makes a new leader pick up work its predecessor left
 * half-done; the slow resync only bounds the harm of a bug in the incremental bookkeeping.
 */
public abstract class WatchLoop implements LeaderComponent {
  private static final Logger LOG = Logger.getLogger(WatchLoop.class.getName());
  /** How often an incremental component rebuilds its indexes from a full read. */
  public static final Duration RESYNC = Duration.ofMinutes(5);
  private static final long RETRY_MS = 1_000;
  protected final RaftStore store;
  private final String name;
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  /** Objects a pass looked at; what the idle-cost test counts. */
  protected final AtomicLong visited = new AtomicLong();
  private volatile boolean running;
  private Thread thread;
  private long retryAt = Long.MAX_VALUE;

  protected WatchLoop(RaftStore store, String name) {
    this.store = store;
    this.name = name;
  }

  /** Work on what changed since the last pass. {@code events} is empty after a reset and on timers. */
  protected abstract void pass(List<StoreEvent> events) throws Exception;

  /** Rebuilds the component's indexes from the whole state (under the store's read lock). */
  protected void reset(StoreView v) {}

  /** Whether an event matters to this component; others never wake it. */
  protected boolean relevant(StoreEvent e) {
    return true;
  }

  /** Folds one relevant event into the component's indexes. */
  protected void onEvent(StoreEvent e) {}

  /** When the component wants a pass without any event (a restart delay, an update's monitor). */
  protected long nextDueMs() {
    return Long.MAX_VALUE;
  }

  protected Duration resyncEvery() {
    return RESYNC;
  }

  /** Passes run since construction. */
  public long passes() {
    return passes.get();
  }

  /** Full reads (start of leadership and the slow timer) since construction. */
  public long resyncs() {
    return resyncs.get();
  }

  /** Objects looked at by passes since construction. */
  public long visited() {
    return visited.get();
  }

  @Override
  public synchronized void start() {
    if (running) return;
    running = true;
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
      thread = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      while (running) {
        try (Watch<Void> watch = store.viewAndWatch(v -> {
          resyncs.incrementAndGet();
          reset(v);
          return null;
        })) {
          follow(watch, System.currentTimeMillis() + resyncEvery().toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) LOG.log(Level.WARNING, name + " stopped", e);
    }
  }

  /** Follows one watch until the resync time. */
  private void follow(Watch<Void> watch, long resyncAt) throws InterruptedException {
    retryAt = Long.MAX_VALUE;
    safePass(List.of());
    while (running) {
      long now = System.currentTimeMillis();
      if (now >= resyncAt) return;
      long due = Math.min(resyncAt, Math.min(retryAt, nextDueMs()));
      List<StoreEvent> events = new ArrayList<>();
      List<StoreEvent> batch = watch.poll(Duration.ofMillis(Math.max(0, due - now)));
      do {
        for (StoreEvent e : batch) {
          if (relevant(e)) {
            onEvent(e);
            events.add(e);
          }
        }
      } while (!(batch = watch.poll(Duration.ZERO)).isEmpty());
      now = System.currentTimeMillis();
      boolean timer = now >= Math.min(retryAt, nextDueMs());
      if (!events.isEmpty() || timer) {
        retryAt = Long.MAX_VALUE;
        safePass(events);
      }
    }
  }

  private void safePass(List<StoreEvent> events) throws InterruptedException {
    passes.incrementAndGet();
    try {
      pass(events);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // the component kept what it did not finish as dirty: try again shortly
      retryAt = System.currentTimeMillis() + RETRY_MS;
      if (running) LOG.log(Level.FINE, name + " pass failed; retrying", e);
    }
  }
}
