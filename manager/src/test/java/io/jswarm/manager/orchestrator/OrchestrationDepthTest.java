package io.jswarm.manager.orchestrator;

import static io.jswarm.manager.Fixtures.node;
import static io.jswarm.manager.Fixtures.service;
import static io.jswarm.manager.Fixtures.task;
import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec.Availability;
import io.jswarm.api.NodeStatus.State;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.RestartPolicy.Condition;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.UpdateConfig;
import io.jswarm.api.UpdateStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Global mode, drain, restart window, rolling updates, history. */
class OrchestrationDepthTest {
  private final AtomicInteger n = new AtomicInteger();
  private final Supplier<String> ids = () -> "new" + n.incrementAndGet();

  static Service global(String id) {
    Service s = service(id, 0, Condition.ANY);
    return s.toBuilder().setSpec(s.getSpec().toBuilder().setGlobal(io.jswarm.api.GlobalService.getDefaultInstance())).build();
  }

  static Node labelled(String id, String k, String v) {
    Node n = node(id, State.READY, Availability.ACTIVE);
    return n.toBuilder().setSpec(n.getSpec().toBuilder().putLabels(k, v)).build();
  }

  @Test
  void globalServiceRunsOneTaskPerEligibleNode() {
    Service s = global("g");
    List<Node> nodes = List.of(node("a", State.READY, Availability.ACTIVE), node("b", State.READY, Availability.PAUSE),
        node("c", State.DOWN, Availability.ACTIVE), node("d", State.READY, Availability.DRAIN), node("e", State.READY, Availability.ACTIVE));
    var plan = GlobalReconciler.reconcile(s, List.of(), nodes, 1000, ids, Long.MAX_VALUE);
    assertEquals(Set.of("a", "e"), plan.create().stream().map(Task::getNodeId).collect(Collectors.toSet()));
    assertTrue(plan.create().stream().allMatch(t -> t.getSlot() == 0 && t.getStatus().getState() == TaskState.PENDING));
  }

  @Test
  void globalServiceFollowsDrainAndLabelChanges() {
    Service s = global("g");
    s = s.toBuilder().setSpec(s.getSpec().toBuilder().setTask(s.getSpec().getTask().toBuilder()
        .setPlacement(io.jswarm.api.Placement.newBuilder().addConstraints("node.labels.gpu==yes")))).build();
    Task onA = task(s, 0, TaskState.RUNNING, TaskState.RUNNING, "a", 1);
    Task onB = task(s, 0, TaskState.RUNNING, TaskState.RUNNING, "b", 1).toBuilder().setId("tb").build();
    Node a = labelled("a", "gpu", "no");                        // label changed: task goes
    Node b = labelled("b", "gpu", "yes").toBuilder().setSpec(labelled("b", "gpu", "yes").getSpec().toBuilder()
        .setAvailability(Availability.PAUSE)).build();           // paused: task stays
    Node c = labelled("c", "gpu", "yes");                       // new node: gets one
    var plan = GlobalReconciler.reconcile(s, List.of(onA, onB), List.of(a, b, c), 1000, ids, Long.MAX_VALUE);
    assertEquals(List.of("c"), plan.create().stream().map(Task::getNodeId).toList());
    assertEquals(List.of(onA.getId()), plan.update().stream().map(Task::getId).toList());
    assertEquals(TaskState.SHUTDOWN, plan.update().get(0).getDesiredState());
    Node bDrained = b.toBuilder().setSpec(b.getSpec().toBuilder().setAvailability(Availability.DRAIN)).build();
    plan = GlobalReconciler.reconcile(s, List.of(onB), List.of(bDrained), 1000, ids, Long.MAX_VALUE);
    assertTrue(plan.create().isEmpty());
    assertEquals(TaskState.SHUTDOWN, plan.update().get(0).getDesiredState());
  }

  @Test
  void drainedNodesTasksAreReplacedAtOnce() {
    Service s = service("s", 2, Condition.ANY);
    List<Task> ts = List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "drained", 1),
        task(s, 2, TaskState.RUNNING, TaskState.RUNNING, "ok", 1));
    // The orchestrator passes drained nodes with the down ones.
    var plan = ReplicatedReconciler.reconcile(s, ts, Set.of("drained"), 1000, ids);
    assertEquals(1, plan.create().size());
    assertEquals(1L, plan.create().get(0).getSlot());
    assertEquals(1000, plan.create().get(0).getNotBeforeMs(), "no restart delay for a moved task");
    assertEquals(TaskState.SHUTDOWN, plan.update().get(0).getDesiredState());
  }

  static Service withRestart(Service s, RestartPolicy p) {
    return s.toBuilder().setSpec(s.getSpec().toBuilder().setTask(s.getSpec().getTask().toBuilder().setRestart(p))).build();
  }

  static Task failedAt(Service s, long slot, long at, long restarts, long windowStart) {
    return task(s, slot, TaskState.FAILED, TaskState.RUNNING, "a", at).toBuilder().setRestartCount(restarts)
        .setRestartWindowStartMs(windowStart).setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setTimestampMs(at)).build();
  }

  @Test
  void maxAttemptsCountWithinTheRestartWindow() {
    Service s = withRestart(service("s", 1, Condition.ANY), RestartPolicy.newBuilder().setMaxAttempts(2)
        .setWindowMs(10_000).setDelaySet(true).build());
    // First failure: restart 1, the window opens now.
    var plan = ReplicatedReconciler.reconcile(s, List.of(failedAt(s, 1, 1000, 0, 0)), Set.of(), 1000, ids);
    assertEquals(1, plan.create().get(0).getRestartCount());
    assertEquals(1000, plan.create().get(0).getRestartWindowStartMs());
    // Two restarts in the window: no third.
    plan = ReplicatedReconciler.reconcile(s, List.of(failedAt(s, 1, 5000, 2, 1000)), Set.of(), 5000, ids);
    assertTrue(plan.create().isEmpty());
    // Window expired when it failed: counting starts again.
    plan = ReplicatedReconciler.reconcile(s, List.of(failedAt(s, 1, 12_000, 2, 1000)), Set.of(), 12_000, ids);
    assertEquals(1, plan.create().get(0).getRestartCount());
    assertEquals(12_000, plan.create().get(0).getRestartWindowStartMs());
    // Without a window the attempts are counted for ever.
    Service nowin = withRestart(s, s.getSpec().getTask().getRestart().toBuilder().setWindowMs(0).build());
    assertTrue(ReplicatedReconciler.reconcile(nowin, List.of(failedAt(nowin, 1, 99_000, 2, 1000)), Set.of(), 99_000, ids)
        .create().isEmpty());
  }

  // ---------------------------------------------------------------- rolling updates

  static Service updated(Service s, UpdateConfig cfg, long startedAt) {
    return s.toBuilder().setSpecVersion(2).setSpec(s.getSpec().toBuilder().setUpdateConfig(cfg))
        .setUpdateStatus(UpdateStatus.newBuilder().setState(UpdateStatus.State.UPDATING).setStartedAtMs(startedAt)).build();
  }

  static List<Task> running(Service s, int n, long version) {
    List<Task> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(task(s, i, TaskState.RUNNING, TaskState.RUNNING, "a", 1).toBuilder().setSpecVersion(version)
          .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING).setTimestampMs(1)).build());
    }
    return out;
  }

  @Test
  void parallelismOneReplacesOneTaskAtATime() {
    Service s = updated(service("s", 3, Condition.ANY), UpdateConfig.getDefaultInstance(), 100);
    List<Task> ts = running(s, 3, 1);
    var step = UpdateSupervisor.step(s, ts, 3, 200);
    assertEquals(1, step.budget());
    var plan = ReplicatedReconciler.reconcile(s, ts, Set.of(), 200, ids, step.budget(), step.startFirst());
    assertTrue(plan.create().isEmpty(), "stop-first: the replacement waits until the old task is down");
    assertEquals(1, plan.update().size());
    List<Task> next = new ArrayList<>(ts);
    next.set(0, plan.update().get(0));
    assertEquals(0, UpdateSupervisor.step(s, next, 3, 250).budget(), "the stopping task is in flight");
    assertTrue(ReplicatedReconciler.reconcile(s, next, Set.of(), 250, ids, 0, false).isEmpty());
    // Down now: its replacement comes, and is in flight until it runs.
    next.set(0, next.get(0).toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.SHUTDOWN)).build());
    plan = ReplicatedReconciler.reconcile(s, next, Set.of(), 260, ids, 0, false);
    assertEquals(1, plan.create().size());
    assertEquals(1L, plan.create().get(0).getSlot());
    next.add(plan.create().get(0).toBuilder().setMeta(io.jswarm.api.Meta.newBuilder().setCreatedAtMs(260)).build());
    assertEquals(0, UpdateSupervisor.step(s, next, 3, 300).budget());
  }

  @Test
  void aPendingStaleTaskIsShutDownAtOnceAndReplaced() {
    Service s = updated(service("s", 1, Condition.ANY), UpdateConfig.getDefaultInstance(), 100);
    Task pending = task(s, 1, TaskState.PENDING, TaskState.RUNNING, "", 1).toBuilder().setSpecVersion(1).build();
    var plan = ReplicatedReconciler.reconcile(s, List.of(pending), Set.of(), 200, ids, 1, false);
    assertEquals(TaskState.SHUTDOWN, plan.update().get(0).getStatus().getState(), "no worker will report it");
    plan = ReplicatedReconciler.reconcile(s, plan.update(), Set.of(), 210, ids, 1, false);
    assertEquals(1, plan.create().size());
  }

  @Test
  void aSlotBeingRefilledTakesFromTheBatch() {
    Service s = updated(service("s", 2, Condition.ANY), UpdateConfig.getDefaultInstance(), 100);
    // Slot 1's stale task is down and not yet replaced; slot 2 is stale and running.
    Task down = running(s, 1, 1).get(0).toBuilder().setDesiredState(TaskState.SHUTDOWN)
        .setStatus(TaskStatus.newBuilder().setState(TaskState.SHUTDOWN)).build();
    Task stale = running(s, 2, 1).get(1);
    var plan = ReplicatedReconciler.reconcile(s, List.of(down, stale), Set.of(), 200, ids, 1, false);
    assertEquals(List.of(1L), plan.create().stream().map(Task::getSlot).toList());
    assertTrue(plan.update().isEmpty(), "slot 2 waits: one task at a time");
  }

  @Test
  void aSlotLeftEmptyByItsRestartPolicyDoesNotHoldUpTheUpdate() {
    // Restart condition none: slot 1's new task failed and stays failed; the update (tolerating
    // that failure) goes on with slot 2 instead of waiting for slot 1 to be refilled.
    Service s = updated(service("s", 2, Condition.NONE), UpdateConfig.getDefaultInstance(), 100);
    Task failed = task(s, 1, TaskState.FAILED, TaskState.SHUTDOWN, "a", 150);
    Task stale = running(s, 2, 1).get(1);
    var plan = ReplicatedReconciler.reconcile(s, List.of(failed, stale), Set.of(), 200, ids, 1, false);
    assertTrue(plan.create().isEmpty(), "slot 1 stays empty");
    assertEquals(List.of(stale.getId()), plan.update().stream().map(Task::getId).toList());
    assertEquals(TaskState.SHUTDOWN, plan.update().get(0).getDesiredState());
  }

  @Test
  void anUpdateIsNotCompleteInThePassThatRefillsItsLastSlot() {
    // Stop-first, one replica: the old task is down, its replacement not made yet. Nothing is
    // stale or in flight, but this pass makes the replacement: the update goes on.
    Service s = updated(service("s", 1, Condition.ANY), UpdateConfig.getDefaultInstance(), 100);
    Task down = running(s, 1, 1).get(0).toBuilder().setDesiredState(TaskState.SHUTDOWN)
        .setStatus(TaskStatus.newBuilder().setState(TaskState.SHUTDOWN)).build();
    var step = UpdateSupervisor.step(s, List.of(down), 1, 200);
    var plan = ReplicatedReconciler.reconcile(s, List.of(down), Set.of(), 200, ids, step.budget(), step.startFirst());
    assertEquals(1, plan.create().size());
    assertNull(UpdateSupervisor.settle(step.status(), s.getUpdateStatus(), true), "not completed while refilling");
    // A pass that creates nothing may complete it; other states are never held back.
    UpdateStatus done = UpdateStatus.newBuilder().setState(UpdateStatus.State.COMPLETED).build();
    assertEquals(done, UpdateSupervisor.settle(done, s.getUpdateStatus(), false));
    UpdateStatus paused = UpdateStatus.newBuilder().setState(UpdateStatus.State.PAUSED).build();
    assertEquals(paused, UpdateSupervisor.settle(paused, s.getUpdateStatus(), true));
  }

  @Test
  void startFirstKeepsTheOldTaskUntilTheNewOneRuns() {
    Service s = updated(service("s", 1, Condition.ANY), UpdateConfig.newBuilder().setOrder(UpdateConfig.Order.START_FIRST).build(), 100);
    List<Task> ts = running(s, 1, 1);
    var plan = ReplicatedReconciler.reconcile(s, ts, Set.of(), 200, ids, 1, true);
    assertEquals(1, plan.create().size());
    assertTrue(plan.update().isEmpty());
    Task fresh = plan.create().get(0).toBuilder().setMeta(io.jswarm.api.Meta.newBuilder().setCreatedAtMs(200)).build();
    List<Task> both = List.of(ts.get(0), fresh);
    assertTrue(ReplicatedReconciler.reconcile(s, both, Set.of(), 300, ids, 0, true).isEmpty(), "old keeps running");
    Task up = fresh.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING).setTimestampMs(400)).build();
    var done = ReplicatedReconciler.reconcile(s, List.of(ts.get(0), up), Set.of(), 500, ids, 0, true);
    assertEquals(List.of(ts.get(0).getId()), done.update().stream().map(Task::getId).toList());
    assertEquals(TaskState.SHUTDOWN, done.update().get(0).getDesiredState());
  }

  @Test
  void delayWaitsAfterEachBatchAndMonitorBeforeCompleting() {
    UpdateConfig cfg = UpdateConfig.newBuilder().setParallelism(2).setParallelismSet(true).setDelayMs(1000)
        .setMonitorMs(500).setMonitorSet(true).build();
    Service s = updated(service("s", 3, Condition.ANY), cfg, 100);
    List<Task> ts = new ArrayList<>(running(s, 1, 1));
    Task fresh = running(s, 2, 2).get(1).toBuilder().setMeta(io.jswarm.api.Meta.newBuilder().setCreatedAtMs(150))
        .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING).setTimestampMs(2000)).build();
    ts.add(fresh);
    assertEquals(0, UpdateSupervisor.step(s, ts, 2, 2500).budget(), "within the delay");
    assertEquals(2, UpdateSupervisor.step(s, ts, 2, 3000).budget(), "delay over: next batch");
    List<Task> allNew = List.of(fresh);
    assertNull(UpdateSupervisor.step(s, allNew, 1, 2400).status(), "still monitoring");
    assertEquals(UpdateStatus.State.COMPLETED, UpdateSupervisor.step(s, allNew, 1, 2600).status().getState());
  }

  @Test
  void failureActionsPauseContinueRollback() {
    Task failed = task(service("s", 2, Condition.ANY), 1, TaskState.FAILED, TaskState.RUNNING, "a", 150).toBuilder()
        .setSpecVersion(2).build();
    for (var action : List.of(UpdateConfig.FailureAction.PAUSE, UpdateConfig.FailureAction.CONTINUE, UpdateConfig.FailureAction.ROLLBACK)) {
      Service s = updated(service("s", 2, Condition.ANY), UpdateConfig.newBuilder().setFailureAction(action).build(), 100);
      List<Task> ts = new ArrayList<>(running(s, 2, 1).subList(1, 2));
      ts.add(failed);
      var step = UpdateSupervisor.step(s, ts, 2, 1000);
      switch (action) {
        case PAUSE -> {
          assertEquals(UpdateStatus.State.PAUSED, step.status().getState());
          assertTrue(step.status().getMessage().contains(failed.getId()));
          assertEquals(0, step.budget());
        }
        case CONTINUE -> assertEquals(1, step.budget());
        case ROLLBACK -> assertTrue(step.rollback());
        default -> fail();
      }
    }
    // Within the tolerated ratio, the update goes on.
    Service tolerant = updated(service("s", 2, Condition.ANY), UpdateConfig.newBuilder().setMaxFailureRatio(0.5).build(), 100);
    assertFalse(UpdateSupervisor.step(tolerant, List.of(failed), 2, 1000).status() != null
        && UpdateSupervisor.step(tolerant, List.of(failed), 2, 1000).status().getState() == UpdateStatus.State.PAUSED);
  }

  @Test
  void aFailureCountsOnlyWithinItsTasksMonitorPeriod() {
    UpdateConfig cfg = UpdateConfig.newBuilder().setMonitorMs(1_000).setMonitorSet(true).build();
    Service s = updated(service("s", 2, Condition.NONE), cfg, 100);
    Task stale = running(s, 2, 1).get(1);
    Task base = task(s, 1, TaskState.FAILED, TaskState.RUNNING, "a", 150);
    Task late = base.toBuilder().setRunningAtMs(2_000).setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setTimestampMs(3_500)).build();
    Task early = base.toBuilder().setRunningAtMs(2_000).setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setTimestampMs(2_600)).build();
    Task neverRan = base.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setTimestampMs(2_600)).build();
    assertNull(UpdateSupervisor.step(s, List.of(late, stale), 2, 4_000).status(), "ran its monitor period: not a failure");
    assertEquals(UpdateStatus.State.PAUSED, UpdateSupervisor.step(s, List.of(early, stale), 2, 4_000).status().getState());
    assertEquals(UpdateStatus.State.PAUSED, UpdateSupervisor.step(s, List.of(neverRan, stale), 2, 4_000).status().getState());
  }

  @Test
  void aCompletedRollbackSaysSo() {
    assertEquals("rollback to revision 2 completed", UpdateSupervisor.rollbackDone("rollback to revision 2 in progress"));
    assertEquals("update rolled back due to failure or early termination of task t",
        UpdateSupervisor.rollbackDone("update rolled back due to failure or early termination of task t"));
    assertEquals("rollback completed", UpdateSupervisor.rollbackDone(""));
  }

  @Test
  void historyKeepsEveryRevisionBoundedAndFindsThem() {
    Service s = ServiceHistory.created(service("s", 1, Condition.ANY).toBuilder(), 1).build();
    assertTrue(ServiceHistory.find(s, 0).isEmpty(), "nothing to roll back to");
    for (int i = 1; i <= 25; i++) {
      ServiceSpec spec = s.getSpec().toBuilder().setTask(s.getSpec().getTask().toBuilder().setForceUpdate(i)).build();
      s = ServiceHistory.change(s, spec, i, UpdateStatus.State.UPDATING, "");
    }
    assertEquals(26, s.getRevision());
    assertEquals(ServiceHistory.LIMIT, s.getHistoryCount());
    assertEquals(26, s.getHistory(ServiceHistory.LIMIT - 1).getRevision());
    assertEquals(25, ServiceHistory.find(s, 0).orElseThrow().getRevision());
    assertEquals(10, ServiceHistory.find(s, 10).orElseThrow().getSpec().getTask().getForceUpdate() + 1);
    assertTrue(ServiceHistory.find(s, 3).isEmpty(), "dropped");
    assertEquals(26, s.getSpecVersion(), "each changed the tasks");
    ServiceSpec scaled = s.getSpec().toBuilder().setReplicated(io.jswarm.api.ReplicatedService.newBuilder().setReplicas(5)).build();
    Service t = ServiceHistory.change(s, scaled, 30, UpdateStatus.State.UPDATING, "");
    assertEquals(s.getSpecVersion(), t.getSpecVersion(), "scaling replaces no task");
    assertEquals(27, t.getRevision());
    ServiceSpec published = s.getSpec().toBuilder().setEndpointSpec(io.jswarm.api.EndpointSpec.newBuilder()
        .addPorts(io.jswarm.api.PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080))).build();
    assertEquals(s.getSpecVersion() + 1, ServiceHistory.change(s, published, 31, UpdateStatus.State.UPDATING, "").getSpecVersion(),
        "a port change replaces tasks: their host ports and ingress attachment are settled at placement");
  }
}
