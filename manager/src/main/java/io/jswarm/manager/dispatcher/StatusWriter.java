package io.jswarm.manager.dispatcher;

import io.jswarm.api.TaskStatusUpdate;
import io.jswarm.store.BatchWriter;
import io.jswarm.store.ConflictException;
import io.jswarm.store.LostLeadershipException;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes workers' status reports to the store, none dropped: a report is retried until the store
 * acknowledges it (or this manager stops leading; the workers then report to the new leader). A
 * batch refused because one of its tasks changed meanwhile is split in halves and each retried on
 * fresh reads, so one contended task never holds back the others. Retrying is safe because a
 * report already applied merges to no change ({@link StatusMerge} only moves a task forward).
 */
final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  static final long FIRST_BACKOFF_MS = 20;
  static final long MAX_BACKOFF_MS = 1_000;

  record Report(String nodeId, TaskStatusUpdate update) {}

  /** Commits one group of reports (as one or more bounded entries). */
  interface Commit {
    void commit(List<Report> reports) throws StoreException;
  }

  /** Waits between attempts (tests pass one that does not sleep). */
  interface Pause {
    void pause(long ms) throws InterruptedException;
  }

  private final Commit commit;
  private final Pause pause;

  StatusWriter(RaftStore store) {
    this(reports -> commit(store, reports), Thread::sleep);
  }

  StatusWriter(Commit commit, Pause pause) {
    this.commit = commit;
    this.pause = pause;
  }

  /** Leader-fenced, in bounded entries; each report re-reads its task. */
  private static void commit(RaftStore store, List<Report> reports) throws StoreException {
    BatchWriter w = store.leaderBatch();
    for (Report r : reports) {
      w.update(tx -> tx.task(r.update().getTaskId())
          .flatMap(t -> StatusMerge.apply(t, r.nodeId(), r.update().getStatus()))
          .ifPresent(tx::update));
    }
    w.commit();
  }

  /**
   * Writes every report; returns once all are acknowledged, or early when {@code running} turns
   * false or this manager lost the leadership.
   *
   * @return whether every report was acknowledged
   */
  boolean write(List<Report> reports, BooleanSupplier running) throws InterruptedException {
    Deque<List<Report>> todo = new ArrayDeque<>();
    todo.push(reports);
    long backoff = FIRST_BACKOFF_MS;
    while (!todo.isEmpty()) {
      if (!running.getAsBoolean()) return false;
      List<Report> part = todo.pop();
      try {
        commit.commit(part);
        backoff = FIRST_BACKOFF_MS;
      } catch (LostLeadershipException e) {
        LOG.info("status reports not written, this manager no longer leads ({}); workers report to the new leader",
            e.getMessage());
        return false;
      } catch (ConflictException e) {
        if (part.size() > 1) {
          // one of them changed meanwhile: the halves that do not hold it go through at once
          int half = part.size() / 2;
          todo.push(part.subList(half, part.size()));
          todo.push(part.subList(0, half));
        } else {
          LOG.debug("status of task {} conflicted, retrying: {}", part.get(0).update().getTaskId(), e.getMessage());
          backoff = retryLater(todo, part, backoff);
        }
      } catch (StoreException e) {
        LOG.debug("status write failed ({}), retrying", e.getMessage());
        backoff = retryLater(todo, part, backoff);
      }
    }
    return true;
  }

  /** Retries {@code part} after everything else queued; pauses only when nothing else is left. */
  private long retryLater(Deque<List<Report>> todo, List<Report> part, long backoff) throws InterruptedException {
    todo.addLast(part);
    if (todo.size() > 1) return backoff;
    pause.pause(backoff); // a conflicting write just landed, or the store is unavailable: re-read after a pause
    return Math.min(MAX_BACKOFF_MS, backoff * 2);
  }
}
