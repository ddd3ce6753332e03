package io.jswarm.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A subscription to applied batches, with the state read when it started. Each watch has its
 * own unbounded queue: a slow watcher uses memory but never slows apply. Close it when done.
 */
public final class Watch<T> implements AutoCloseable {
  private final LinkedBlockingQueue<List<StoreEvent>> queue = new LinkedBlockingQueue<>();
  private final Consumer<List<StoreEvent>> sink = queue::add;
  private volatile T initial;
  private volatile Runnable onClose = () -> { };
  private volatile boolean closed;

  Watch() {}

  Consumer<List<StoreEvent>> sink() {
    return sink;
  }

  void start(T initialValue, Runnable unsubscribe) {
    this.initial = initialValue;
    this.onClose = unsubscribe;
  }

  /** What the init function returned, read atomically with the start of the subscription. */
  public T initial() {
    return initial;
  }

  /**
   * The events of the next applied batch, in order; an empty list when nothing arrived within
   * {@code timeout} or the watch is closed.
   */
  public List<StoreEvent> poll(Duration timeout) throws InterruptedException {
    if (closed) {
      return List.of();
    }
    List<StoreEvent> batch = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return batch == null ? List.of() : batch;
  }

  /** Batches received but not yet polled. */
  public int backlog() {
    return queue.size();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      onClose.run();
      queue.clear();
    }
  }
}
