package io.jswarm.store;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Waits for a Raft client call, giving up early when this member has seen no leader for longer
 * than an election should take.
 *
 * <p>During an election a write can only wait: the Ratis client retries until some member is
 * leader. An election normally ends within one election timeout (a split vote needs a second
 * round), so after {@code patience} without any leader the group has most likely lost its quorum,
 * and waiting out the full write timeout only delays the answer the caller will get anyway. A
 * call that makes progress (a leader is known, even one that is slow) keeps the whole deadline.
 */
final class LeaderWait {
  /** How often the leader view is checked while the call is pending. */
  static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  /** Why the call was given up before its deadline. */
  static final class NoLeader extends Exception {
    NoLeader(long waitedMs) {
      super("no leader for " + waitedMs + " ms");
    }
  }

  private final BooleanSupplier hasLeader;
  private final long patienceNanos;
  private final LongSupplier nanoClock;

  LeaderWait(BooleanSupplier hasLeader, long patienceNanos, LongSupplier nanoClock) {
    this.hasLeader = hasLeader;
    this.patienceNanos = patienceNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * The call's result, waiting until {@code deadlineNanos} at most, and at most
   * {@code patience} in a row without a leader.
   */
  <T> T get(Future<T> f, long deadlineNanos)
      throws ExecutionException, InterruptedException, TimeoutException, NoLeader {
    long leaderlessSince = -1;
    while (true) {
      long now = nanoClock.getAsLong();
      long remaining = deadlineNanos - now;
      if (remaining <= 0) {
        throw new TimeoutException();
      }
      if (hasLeader.getAsBoolean()) {
        leaderlessSince = -1;
      } else if (leaderlessSince < 0) {
        leaderlessSince = now;
      } else if (now - leaderlessSince >= patienceNanos) {
        throw new NoLeader((now - leaderlessSince) / 1_000_000);
      }
      try {
        return f.get(Math.min(remaining, CHECK_NANOS), TimeUnit.NANOSECONDS);
      } catch (TimeoutException notYet) {
        // look at the leader again
      }
    }
  }
}
