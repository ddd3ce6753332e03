package io.jswarm.manager.dispatcher;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a queue's consumer on an executor when work arrives, at most one run queued at a time: no
 * thread sleeps waiting for work. A request made while a run is under way queues the next run,
 * so nothing submitted is left behind.
 */
final class Drain {
  private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

  interface Work {
    void run() throws InterruptedException;
  }

  private final ExecutorService exec;
  private final Work work;
  private final AtomicBoolean queued = new AtomicBoolean();

  Drain(ExecutorService exec, Work work) {
    this.exec = exec;
    this.work = work;
  }

  void request() {
    if (!queued.compareAndSet(false, true)) return;
    try {
      exec.execute(() -> {
        queued.set(false);
        try {
          work.run();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          LOG.warn("dispatcher writer failed; it runs again on the next submission", e);
        }
      });
    } catch (RejectedExecutionException stopped) {
      queued.set(false);
    }
  }
}
