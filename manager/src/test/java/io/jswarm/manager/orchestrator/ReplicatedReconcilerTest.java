package io.jswarm.manager.orchestrator;

import static io.jswarm.manager.Fixtures.service;
import static io.jswarm.manager.Fixtures.task;
import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.RestartPolicy.Condition;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReplicatedReconcilerTest {
  private final AtomicInteger n = new AtomicInteger();
  private final Supplier<String> ids = () -> "new" + n.incrementAndGet();

  @Test
  void emptyServiceGetsOneTaskPerSlot() {
    Service s = service("s", 3, Condition.ANY);
    var plan = ReplicatedReconciler.reconcile(s, List.of(), Set.of(), 1000, ids);
    assertEquals(Set.of(1L, 2L, 3L), plan.create().stream().map(Task::getSlot).collect(Collectors.toSet()));
    assertTrue(plan.update().isEmpty());
    for (Task t : plan.create()) {
      assertEquals(TaskState.PENDING, t.getStatus().getState());
      assertEquals(TaskState.RUNNING, t.getDesiredState());
      assertEquals("sha256:abc", t.getImageDigest());
    }
  }

  @Test
  void convergedServiceNeedsNothing() {
    Service s = service("s", 2, Condition.ANY);
    List<Task> ts = List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1),
        task(s, 2, TaskState.ASSIGNED, TaskState.RUNNING, "a", 1));
    assertTrue(ReplicatedReconciler.reconcile(s, ts, Set.of(), 1000, ids).isEmpty());
  }

  @Test
  void scaleDownRemovesHighestSlots() {
    Service s = service("s", 1, Condition.ANY);
    List<Task> ts = List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1),
        task(s, 2, TaskState.RUNNING, TaskState.RUNNING, "a", 1),
        task(s, 3, TaskState.RUNNING, TaskState.RUNNING, "a", 1));
    var plan = ReplicatedReconciler.reconcile(s, ts, Set.of(), 1000, ids);
    assertTrue(plan.create().isEmpty());
    assertEquals(Set.of(2L, 3L), plan.update().stream().map(Task::getSlot).collect(Collectors.toSet()));
    assertTrue(plan.update().stream().allMatch(t -> t.getDesiredState() == TaskState.REMOVE));
  }

  @Test
  void failedTaskIsReplacedAfterTheDelay() {
    Service s = service("s", 1, Condition.ANY);
    s = s.toBuilder().setSpec(s.getSpec().toBuilder().setTask(s.getSpec().getTask().toBuilder()
        .setRestart(s.getSpec().getTask().getRestart().toBuilder().setDelayMs(700)))).build();
    var plan = ReplicatedReconciler.reconcile(s,
        List.of(task(s, 1, TaskState.FAILED, TaskState.RUNNING, "a", 1)), Set.of(), 1000, ids);
    assertEquals(1, plan.update().size());
    assertEquals(TaskState.SHUTDOWN, plan.update().get(0).getDesiredState());
    assertEquals(1, plan.create().size());
    assertEquals(1, plan.create().get(0).getSlot());
    assertEquals(1700, plan.create().get(0).getNotBeforeMs());
    assertEquals(1, plan.create().get(0).getRestartCount());
  }

  @Test
  void restartConditionNoneLeavesTheSlotEmpty() {
    Service s = service("s", 1, Condition.NONE);
    Task failed = task(s, 1, TaskState.FAILED, TaskState.RUNNING, "a", 1);
    var plan = ReplicatedReconciler.reconcile(s, List.of(failed), Set.of(), 1000, ids);
    assertTrue(plan.create().isEmpty());
    Task shut = plan.update().get(0);
    // next pass sees the task shut down: still nothing new
    assertTrue(ReplicatedReconciler.reconcile(s, List.of(shut), Set.of(), 2000, ids).isEmpty());
  }

  @Test
  void onFailureDoesNotRestartACleanExit() {
    Service s = service("s", 1, Condition.ON_FAILURE);
    var plan = ReplicatedReconciler.reconcile(s,
        List.of(task(s, 1, TaskState.COMPLETE, TaskState.RUNNING, "a", 1)), Set.of(), 1000, ids);
    assertTrue(plan.create().isEmpty());
    plan = ReplicatedReconciler.reconcile(s,
        List.of(task(s, 1, TaskState.FAILED, TaskState.RUNNING, "a", 1)), Set.of(), 1000, ids);
    assertEquals(1, plan.create().size());
  }

  @Test
  void tasksOnDownNodesAreReplaced() {
    Service s = service("s", 1, Condition.ANY);
    var plan = ReplicatedReconciler.reconcile(s,
        List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "dead", 1)), Set.of("dead"), 1000, ids);
    assertEquals(1, plan.create().size());
    assertEquals(TaskState.SHUTDOWN, plan.update().get(0).getDesiredState());
  }

  @Test
  void newSpecVersionReplacesEveryTask() {
    Service s = service("s", 2, Condition.ANY);
    List<Task> ts = List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1),
        task(s, 2, TaskState.RUNNING, TaskState.RUNNING, "a", 1));
    Service s2 = s.toBuilder().setSpecVersion(2).build();
    var plan = ReplicatedReconciler.reconcile(s2, ts, Set.of(), 1000, ids);
    // Stop-first: every stale task stops first (no budget given: all at once)...
    assertTrue(plan.create().isEmpty());
    assertEquals(2, plan.update().size());
    assertTrue(plan.update().stream().allMatch(t -> t.getDesiredState() == TaskState.SHUTDOWN));
    // ...and is replaced once it is down.
    List<Task> down = plan.update().stream().map(t -> t.toBuilder()
        .setStatus(t.getStatus().toBuilder().setState(TaskState.SHUTDOWN)).build()).toList();
    plan = ReplicatedReconciler.reconcile(s2, down, Set.of(), 1000, ids);
    assertEquals(2, plan.create().size());
    assertTrue(plan.create().stream().allMatch(t -> t.getSpecVersion() == 2));
  }

  @Test
  void scaleUpAfterScaleDownRefillsSlotsEvenWithRestartNone() {
    Service s = service("s", 2, Condition.NONE);
    List<Task> ts = List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1),
        task(s, 2, TaskState.SHUTDOWN, TaskState.REMOVE, "a", 1));
    var plan = ReplicatedReconciler.reconcile(s, ts, Set.of(), 1000, ids);
    assertEquals(List.of(2L), plan.create().stream().map(Task::getSlot).toList());
  }

  @Test
  void removedServiceTasksAllGetRemove() {
    Service s = service("s", 2, Condition.ANY);
    List<Task> ts = List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1),
        task(s, 2, TaskState.SHUTDOWN, TaskState.REMOVE, "a", 1));
    List<Task> out = ReplicatedReconciler.removeAll(ts);
    assertEquals(1, out.size());
    assertEquals(TaskState.REMOVE, out.get(0).getDesiredState());
  }
}
