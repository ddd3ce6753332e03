package io.jswarm.store;

import io.jswarm.api.StoreBatch;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Group commit: writes that arrive while an entry is in flight wait in a queue, and the next
 * entry carries all of them (up to the {@link BatchLimits}: 200 changes / 1 MiB by default), as
 * databases do with their log flushes. One Raft round trip and one fsync then acknowledge many
 * writes instead of one.
 *
 * <p>Each write stays its own: the entry is a {@code StoreEntry} whose batches are applied one by
 * one, each all-or-nothing with its own term fence, read and version checks, and each write gets
 * its own answer (applied at the entry's index, or its own refusal) — one conflicting write fails
 * only itself. The queue is first in, first out and a group is a prefix of it, so writes keep the
 * order they were submitted in, within an entry and across entries (Ratis's ordered async client
 * keeps entries in the order sent).
 */
final class GroupCommit {
  /** Sends one entry; completes with the state machine's answer, or fails. */
  interface Sender extends Function<byte[], CompletableFuture<ByteBuffer>> {}

  private record Pending(StoreBatch batch, int changes, int bytes, CompletableFuture<ApplyResult> result) {}

  private final BatchLimits limits;
  private final int maxInFlight;
  private final Sender sender;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private int inFlight; // guarded by this
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  /**
   * @param maxInFlight entries sent and not yet answered; writes arriving meanwhile are grouped
   *     into the next entry
   */
  GroupCommit(BatchLimits limits, int maxInFlight, Sender sender) {
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be >= 1: " + maxInFlight);
    this.limits = limits;
    this.maxInFlight = maxInFlight;
    this.sender = sender;
  }

  /**
   * Queues one write (a batch within the limits, already checked) and sends an entry if fewer
   * than {@code maxInFlight} are in flight. The future completes with this write's own result,
   * or fails when its entry could not be committed (no leader, no quorum, closed).
   */
  CompletableFuture<ApplyResult> submit(StoreBatch batch, int changes) {
    Pending p = new Pending(batch, changes, StoreEntries.framedSize(batch), new CompletableFuture<>());
    List<Pending> group = null;
    synchronized (this) {
      queue.add(p);
      if (inFlight < maxInFlight) {
        group = takeGroup();
      }
    }
    if (group != null) {
      send(group);
    }
    return p.result();
  }

  /** The longest prefix of the queue that fits one entry (at least one write). Holds the lock. */
  private List<Pending> takeGroup() {
    List<Pending> group = new ArrayList<>();
    int changes = 0;
    int bytes = 0;
    while (!queue.isEmpty()) {
      Pending next = queue.peek();
      if (!group.isEmpty() && limits.excess(changes + next.changes(), bytes + next.bytes()) != null) {
        break;
      }
      group.add(queue.poll());
      changes += next.changes();
      bytes += next.bytes();
    }
    inFlight++;
    return group;
  }

  private void send(List<Pending> group) {
    List<StoreBatch> batches = new ArrayList<>(group.size());
    for (Pending p : group) {
      batches.add(p.batch());
    }
    entries.incrementAndGet();
    writes.addAndGet(group.size());
    CompletableFuture<ByteBuffer> sent;
    try {
      sent = sender.apply(StoreEntries.encode(batches));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((answer, failure) -> {
      complete(group, answer, failure);
      List<Pending> next = null;
      synchronized (this) {
        inFlight--;
        if (!queue.isEmpty() && inFlight < maxInFlight) {
          next = takeGroup();
        }
      }
      if (next != null) {
        send(next);
      }
    });
  }

  private static void complete(List<Pending> group, ByteBuffer answer, Throwable failure) {
    if (failure == null) {
      try {
        List<ApplyResult> results = StoreEntries.decodeResults(answer, group.size());
        for (int i = 0; i < group.size(); i++) {
          group.get(i).result().complete(results.get(i));
        }
        return;
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    for (Pending p : group) {
      p.result().completeExceptionally(failure);
    }
  }

  /** Entries sent so far (benchmarks: writes per entry). */
  long entries() {
    return entries.get();
  }

  /** Writes sent so far. */
  long writes() {
    return writes.get();
  }
}
