package io.jswarm.manager;

import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.Watch;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A leader component's thread: subscribe to the store, run a full pass once, then run a pass
 * after each batch of events (coalescing whatever else has queued) or when its own timer is due.
 * A full pass on start is what makes a new leader pick up work its predecessor left half-done.
 */
public abstract class WatchLoop implements LeaderComponent {
  private static final Logger LOG = Logger.getLogger(WatchLoop.class.getName());
  protected final RaftStore store;
  private final String name;
  private volatile boolean running;
  private Thread thread;

  protected WatchLoop(RaftStore store, String name) {
    this.store = store;
    this.name = name;
  }

  /** One reconciliation. {@code events} is empty on the first pass and on timer passes. */
  protected abstract void pass(List<StoreEvent> events) throws Exception;

  /**
   * Called once per start, atomically with the subscription: a component that keeps its own
   * indexes builds them from {@code v} here, and the events it then sees are exactly those after.
   */
  protected void begin(io.jswarm.store.StoreView v) {}

  /** How long to wait for events before an unprompted pass. */
  protected Duration idle() {
    return Duration.ofSeconds(1);
  }

  /** Whether an event matters to this component; others never wake it. */
  protected boolean relevant(StoreEvent e) {
    return true;
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
    try (Watch<Void> watch = store.viewAndWatch(v -> {
      begin(v);
      return null;
    })) {
      safePass(List.of());
      while (running) {
        List<StoreEvent> events = new java.util.ArrayList<>(watch.poll(idle()));
        List<StoreEvent> more;
        while (!(more = watch.poll(Duration.ZERO)).isEmpty()) events.addAll(more);
        if (events.isEmpty() || events.stream().anyMatch(this::relevant)) {
          safePass(events);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void safePass(List<StoreEvent> events) throws InterruptedException {
    try {
      pass(events);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (running) LOG.log(Level.FINE, name + " pass failed; retrying on the next one", e);
    }
  }
}
