package io.jswarm.cli.commands;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.GlobalService;
import io.jswarm.api.Meta;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When `service create|update|scale` without --detach stops waiting, whatever the restart condition. */
class ConvergenceViewTest {
  static Service replicated(long n) {
    return Service.newBuilder().setId("s").setSpecVersion(2)
        .setSpec(ServiceSpec.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(n))).build();
  }

  static Task task(long slot, long created, TaskState observed, TaskState desired) {
    return Task.newBuilder().setId("t" + slot + "-" + created).setSlot(slot).setSpecVersion(2).setNodeId("n1")
        .setMeta(Meta.newBuilder().setCreatedAtMs(created)).setDesiredState(desired)
        .setStatus(TaskStatus.newBuilder().setState(observed)).build();
  }

  @Test
  void aShortTaskWithRestartConditionNoneEndsTheProgress() {
    // the orchestrator saw it complete, marked it SHUTDOWN and made no replacement
    ConvergenceView v = ConvergenceView.of(replicated(1), List.of(task(1, 1, TaskState.COMPLETE, TaskState.SHUTDOWN)));
    assertTrue(v.settled(), v.lines().toString());
    assertEquals(List.of(), v.failed());
    assertEquals("overall progress: 0 out of 1 tasks (1 ended, not restarted by the restart policy)", v.lines().get(0));
    assertTrue(v.lines().get(1).startsWith("1/1: complete "), v.lines().get(1));
  }

  @Test
  void anEndedTaskNotYetJudgedByTheOrchestratorIsWaitedFor() {
    // still desired RUNNING: a replacement may be created in the same write that marks it SHUTDOWN
    assertFalse(ConvergenceView.of(replicated(1), List.of(task(1, 1, TaskState.COMPLETE, TaskState.RUNNING))).settled());
  }

  @Test
  void aRestartedSlotIsWaitedForUntilItsReplacementRuns() {
    Task failed = task(1, 1, TaskState.FAILED, TaskState.SHUTDOWN);
    assertFalse(ConvergenceView.of(replicated(1), List.of(failed, task(1, 2, TaskState.PENDING, TaskState.RUNNING))).settled());
    ConvergenceView v = ConvergenceView.of(replicated(1), List.of(failed, task(1, 2, TaskState.RUNNING, TaskState.RUNNING)));
    assertTrue(v.settled());
    assertEquals("overall progress: 1 out of 1 tasks", v.lines().get(0));
  }

  @Test
  void aFailedTaskThatIsNotRestartedEndsTheProgressAsAFailure() {
    Task failed = task(2, 1, TaskState.FAILED, TaskState.SHUTDOWN).toBuilder()
        .setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setErr("task: non-zero exit (1)")).build();
    ConvergenceView v = ConvergenceView.of(replicated(2), List.of(task(1, 1, TaskState.RUNNING, TaskState.RUNNING), failed));
    assertTrue(v.settled());
    assertEquals(List.of("2/2: task: non-zero exit (1)"), v.failed());
  }

  @Test
  void runningTasksOfAnOlderSpecKeepItWaiting() {
    Task old = task(1, 0, TaskState.RUNNING, TaskState.SHUTDOWN).toBuilder().setSpecVersion(1).build();
    assertFalse(ConvergenceView.of(replicated(1), List.of(old, task(1, 1, TaskState.RUNNING, TaskState.RUNNING))).settled());
  }

  @Test
  void aGlobalServiceSettlesPerNode() {
    Service g = Service.newBuilder().setId("g").setSpecVersion(2)
        .setSpec(ServiceSpec.newBuilder().setGlobal(GlobalService.getDefaultInstance())).build();
    Task onA = task(0, 1, TaskState.COMPLETE, TaskState.SHUTDOWN).toBuilder().setNodeId("a").build();
    Task onB = task(0, 1, TaskState.STARTING, TaskState.RUNNING).toBuilder().setId("b").setNodeId("b").build();
    assertFalse(ConvergenceView.of(g, List.of(onA, onB)).settled());
    Task bRunning = onB.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build();
    ConvergenceView v = ConvergenceView.of(g, List.of(onA, bRunning));
    assertTrue(v.settled(), v.lines().toString());
    assertEquals(3, v.lines().size());
  }
}
