package io.jswarm.manager.dispatcher;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import org.junit.jupiter.api.Test;

class StatusMergeTest {
  private static Task task(TaskState s, String msg) {
    return Task.newBuilder().setId("t").setNodeId("n").setStatus(TaskStatus.newBuilder().setState(s).setMessage(msg)).build();
  }

  private static TaskStatus status(TaskState s, String msg) {
    return TaskStatus.newBuilder().setState(s).setMessage(msg).build();
  }

  @Test
  void onlyTheAssignedNodeMovesATaskForward() {
    assertTrue(StatusMerge.apply(task(TaskState.ASSIGNED, ""), "n", status(TaskState.RUNNING, "started")).isPresent());
    assertTrue(StatusMerge.apply(task(TaskState.ASSIGNED, ""), "other", status(TaskState.RUNNING, "started")).isEmpty());
    assertTrue(StatusMerge.apply(task(TaskState.RUNNING, ""), "n", status(TaskState.STARTING, "")).isEmpty());
    assertTrue(StatusMerge.apply(task(TaskState.ASSIGNED, ""), "n", status(TaskState.PENDING, "")).isEmpty());
  }

  @Test
  void aRunningTaskMayBePausedAndThawedButNothingElseRepeats() {
    assertEquals("paused", StatusMerge.apply(task(TaskState.RUNNING, "started"), "n", status(TaskState.RUNNING, "paused"))
        .orElseThrow().getStatus().getMessage());
    assertEquals("started", StatusMerge.apply(task(TaskState.RUNNING, "paused"), "n", status(TaskState.RUNNING, "started"))
        .orElseThrow().getStatus().getMessage());
    assertTrue(StatusMerge.apply(task(TaskState.RUNNING, "started"), "n", status(TaskState.RUNNING, "other")).isEmpty());
    assertTrue(StatusMerge.apply(task(TaskState.FAILED, "x"), "n", status(TaskState.FAILED, "paused")).isEmpty());
  }

  @Test
  void theFirstRunningReportSetsWhenTheTaskRanAndLaterOnesKeepIt() {
    TaskStatus up = status(TaskState.RUNNING, "started").toBuilder().setTimestampMs(1_000).build();
    Task running = StatusMerge.apply(task(TaskState.STARTING, ""), "n", up).orElseThrow();
    assertEquals(1_000, running.getRunningAtMs());
    TaskStatus paused = status(TaskState.RUNNING, "paused").toBuilder().setTimestampMs(5_000).build();
    Task p = StatusMerge.apply(running.toBuilder().setStatus(up.toBuilder().setMessage("started")).build(), "n", paused).orElseThrow();
    assertEquals(1_000, p.getRunningAtMs());
    TaskStatus failed = status(TaskState.FAILED, "").toBuilder().setTimestampMs(9_000).build();
    assertEquals(1_000, StatusMerge.apply(p, "n", failed).orElseThrow().getRunningAtMs());
  }
}
