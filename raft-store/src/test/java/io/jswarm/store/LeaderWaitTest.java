package io.jswarm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A call is given up after {@code patience} without a leader, but keeps its whole deadline while
 * a leader is known. The clock is fake: each look at it moves it 100 ms on.
 */
@Timeout(30)
class LeaderWaitTest {
  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  final AtomicLong clock = new AtomicLong();
  final AtomicBoolean leader = new AtomicBoolean();
  final LeaderWait wait = new LeaderWait(leader::get, 1_000 * MS, () -> clock.addAndGet(100 * MS));
  final CompletableFuture<String> pending = new CompletableFuture<>();

  @Test
  void withoutALeaderTheCallIsGivenUpAfterThePatienceNotTheDeadline() {
    LeaderWait.NoLeader e = assertThrows(LeaderWait.NoLeader.class, () -> wait.get(pending, 5_000 * MS));
    assertEquals("no leader for 1000 ms", e.getMessage());
    assertEquals(1_100 * MS, clock.get(), "gave up at the first look past the patience");
  }

  @Test
  void withALeaderASlowCallKeepsItsWholeDeadline() {
    leader.set(true);
    assertThrows(TimeoutException.class, () -> wait.get(pending, 5_000 * MS));
    assertEquals(5_000 * MS, clock.get());
  }

  @Test
  void shortLeaderlessGapsDoNotAddUp() {
    // no leader for 800 ms, a leader for a moment, no leader again: the gap restarts
    AtomicLong looks = new AtomicLong();
    LeaderWait flapping = new LeaderWait(() -> looks.incrementAndGet() % 10 == 0, 1_000 * MS,
        () -> clock.addAndGet(100 * MS));
    assertThrows(TimeoutException.class, () -> flapping.get(pending, 5_000 * MS));
  }

  @Test
  void aCallThatCompletesReturnsItsResult() throws Exception {
    pending.complete("ok");
    assertEquals("ok", wait.get(pending, 5_000 * MS));
  }
}
