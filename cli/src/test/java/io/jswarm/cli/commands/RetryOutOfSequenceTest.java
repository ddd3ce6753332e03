package io.jswarm.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A relative edit refused as out of sequence is read and applied again; nothing else is retried. */
class RetryOutOfSequenceTest {
  private static StatusRuntimeException outOfSequence() {
    return Status.ABORTED.withDescription("update out of sequence: node h4 changed meanwhile; run the command again")
        .asRuntimeException();
  }

  @Test
  void anEditRefusedForAnotherWritersChangeIsAppliedOnTheNewerObject() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    String r = ClientCommand.retryOutOfSequence(() -> {
      if (attempts.incrementAndGet() < 3) throw outOfSequence();
      return "applied";
    });
    assertEquals("applied", r);
    assertEquals(3, attempts.get());
  }

  @Test
  void itGivesUpAfterTheLastAttempt() {
    AtomicInteger attempts = new AtomicInteger();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCommand.retryOutOfSequence(() -> {
      attempts.incrementAndGet();
      throw outOfSequence();
    }));
    assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
    assertEquals(ClientCommand.EDIT_ATTEMPTS, attempts.get());
  }

  @Test
  void otherErrorsAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    StatusRuntimeException unavailable = Status.UNAVAILABLE.withDescription("no leader").asRuntimeException();
    StatusRuntimeException aborted = Status.ABORTED.withDescription("something else").asRuntimeException();
    for (StatusRuntimeException thrown : new StatusRuntimeException[] {unavailable, aborted}) {
      attempts.set(0);
      assertSame(thrown, assertThrows(StatusRuntimeException.class, () -> ClientCommand.retryOutOfSequence(() -> {
        attempts.incrementAndGet();
        throw thrown;
      })));
      assertEquals(1, attempts.get());
    }
  }
}
