package io.jswarm.api;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TaskStatesTest {
  @Test
  void forwardMovesAreAllowed() {
    assertEquals(TaskState.RUNNING, TaskStates.advance(TaskState.ASSIGNED, TaskState.RUNNING));
    assertTrue(TaskStates.canAdvance(TaskState.NEW, TaskState.PENDING));
    assertTrue(TaskStates.canAdvance(TaskState.RUNNING, TaskState.FAILED));
  }

  @Test
  void backwardAndSameMovesAreRefused() {
    assertThrows(IllegalStateException.class,
        () -> TaskStates.advance(TaskState.RUNNING, TaskState.STARTING));
    assertThrows(IllegalStateException.class,
        () -> TaskStates.advance(TaskState.FAILED, TaskState.RUNNING));
    assertFalse(TaskStates.canAdvance(TaskState.RUNNING, TaskState.RUNNING));
  }

  @Test
  void everyPairOrdersLikeTheEnumNumbers() {
    for (TaskState a : TaskState.values()) {
      if (a == TaskState.UNRECOGNIZED) continue;
      for (TaskState b : TaskState.values()) {
        if (b == TaskState.UNRECOGNIZED) continue;
        assertEquals(b.getNumber() > a.getNumber(), TaskStates.canAdvance(a, b), a + "->" + b);
      }
    }
  }

  @Test
  void terminalStatesArePastRunning() {
    assertFalse(TaskStates.isTerminal(TaskState.RUNNING));
    assertTrue(TaskStates.isTerminal(TaskState.COMPLETE));
    assertTrue(TaskStates.isTerminal(TaskState.SHUTDOWN));
  }
}
