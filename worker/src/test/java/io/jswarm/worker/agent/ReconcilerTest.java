package io.jswarm.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.worker.engine.ContainerState;
import io.jswarm.worker.engine.Image;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  private static Task task(String id, TaskState desired, TaskState observed) {
    return Task.newBuilder().setId(id).setDesiredState(desired)
        .setStatus(TaskStatus.newBuilder().setState(observed))
        .setSpec(TaskSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setImage("busybox")
            .setStopGracePeriodMs(2500).setStopGracePeriodSet(true)))
        .build();
  }

  private static ContainerState ctr(String id, ContainerState.Status s, int exit) {
    return new ContainerState(id, id, s, s == ContainerState.Status.RUNNING ? 42 : 0, exit);
  }

  private static List<Action> plan(List<Task> tasks, Map<String, ContainerState> ctrs) {
    return Reconciler.plan(tasks, ctrs, Map.of(), Set.of(), Map.of(), 1L);
  }

  @Test
  void newTaskIsStarted() {
    List<Action> p = plan(List.of(task("t1", TaskState.RUNNING, TaskState.ASSIGNED)), Map.of());
    assertEquals(1, p.size());
    assertInstanceOf(Action.Start.class, p.get(0));
  }

  @Test
  void busyTaskIsLeftAlone() {
    assertTrue(Reconciler.plan(List.of(task("t1", TaskState.RUNNING, TaskState.ASSIGNED)), Map.of(), Map.of(),
        Set.of("t1"), Map.of(), 1L).isEmpty());
  }

  @Test
  void adoptedRunningContainerIsReportedRunningOnce() {
    var c = Map.of("t1", ctr("t1", ContainerState.Status.RUNNING, -1));
    List<Action> p = plan(List.of(task("t1", TaskState.RUNNING, TaskState.STARTING)), c);
    Action.Report r = assertInstanceOf(Action.Report.class, p.get(0));
    assertEquals(TaskState.RUNNING, r.status().getState());
    assertEquals(42, r.status().getContainer().getPid());
    assertTrue(plan(List.of(task("t1", TaskState.RUNNING, TaskState.RUNNING)), c).isEmpty(), "no duplicate start");
  }

  @Test
  void exitIsReportedCompleteOrFailed() {
    Action.Report ok = assertInstanceOf(Action.Report.class, plan(List.of(task("t1", TaskState.RUNNING, TaskState.RUNNING)),
        Map.of("t1", ctr("t1", ContainerState.Status.STOPPED, 0))).get(0));
    assertEquals(TaskState.COMPLETE, ok.status().getState());
    Action.Report bad = assertInstanceOf(Action.Report.class, plan(List.of(task("t1", TaskState.RUNNING, TaskState.RUNNING)),
        Map.of("t1", ctr("t1", ContainerState.Status.STOPPED, 137))).get(0));
    assertEquals(TaskState.FAILED, bad.status().getState());
    assertEquals("task: non-zero exit (137)", bad.status().getErr());
    assertEquals(137, bad.status().getContainer().getExitCode());
  }

  @Test
  void shutdownStopsWithGraceThenRemoves() {
    List<Action> p = plan(List.of(task("t1", TaskState.SHUTDOWN, TaskState.RUNNING)),
        Map.of("t1", ctr("t1", ContainerState.Status.RUNNING, -1)));
    Action.StopAndRemove s = assertInstanceOf(Action.StopAndRemove.class, p.get(0));
    assertEquals(2500, s.graceMs());
    assertTrue(s.report());
    List<Action> stopped = plan(List.of(task("t1", TaskState.REMOVE, TaskState.FAILED)),
        Map.of("t1", ctr("t1", ContainerState.Status.STOPPED, 1)));
    assertEquals(List.of(new Action.Remove("t1")), stopped);
  }

  @Test
  void unassignedContainerIsStoppedAndRemoved() {
    List<Action> p = plan(List.of(), Map.of("gone", ctr("gone", ContainerState.Status.RUNNING, -1)));
    Action.StopAndRemove s = assertInstanceOf(Action.StopAndRemove.class, p.get(0));
    assertEquals(TaskContainers.DEFAULT_STOP_GRACE_MS, s.graceMs());
    assertEquals(List.of(new Action.Remove("x")), plan(List.of(), Map.of("x", ctr("x", ContainerState.Status.STOPPED, 0))));
  }

  @Test
  void acceptedTaskWithoutContainerFails() {
    Action.Report r = assertInstanceOf(Action.Report.class,
        plan(List.of(task("t1", TaskState.RUNNING, TaskState.RUNNING)), Map.of()).get(0));
    assertEquals(TaskState.FAILED, r.status().getState());
  }

  @Test
  void reportedStatesCountAsKnown() {
    assertTrue(Reconciler.plan(List.of(task("t1", TaskState.RUNNING, TaskState.ASSIGNED)),
        Map.of("t1", ctr("t1", ContainerState.Status.STOPPED, 0)), Map.of("t1", TaskState.COMPLETE), Set.of(), Map.of(), 1L)
        .isEmpty());
  }

  @Test
  void specOverridesImageDefaults() {
    Image img = new Image("sha256:" + "a".repeat(64), List.of(), List.of("PATH=/bin", "A=1"), List.of("/entry"),
        List.of("default"), "/srv", "app", List.of(Path.of("/x")), 0, 0);
    Task t = Task.newBuilder().setId("t1").setSpec(TaskSpec.newBuilder().setContainer(
        ContainerSpec.newBuilder().setImage("i").addArgs("x").addEnv("A=2").addEnv("B=3"))).build();
    var cfg = TaskContainers.config(t, img);
    assertEquals(List.of("/entry", "x"), cfg.args());
    assertEquals(List.of("PATH=/bin", "A=2", "B=3"), cfg.env());
    assertEquals("/srv", cfg.workingDir());
    assertEquals("app", cfg.user());
    Task cmd = t.toBuilder().setSpec(t.getSpec().toBuilder().setContainer(
        t.getSpec().getContainer().toBuilder().addCommand("sh"))).build();
    assertEquals(List.of("sh", "x"), TaskContainers.config(cmd, img).args());
    Image bare = new Image(img.id(), List.of(), List.of(), List.of(), List.of(), "", "", img.layerDirs(), 0, 0);
    Task none = Task.newBuilder().setId("t2").setSpec(TaskSpec.newBuilder().setContainer(
        ContainerSpec.newBuilder().setImage("i"))).build();
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TaskContainers.config(none, bare));
  }

  @Test
  void statusesOnlyMoveForward() {
    StatusReporter r = new StatusReporter();
    r.setFloors(Map.of("t1", TaskState.ASSIGNED));
    assertTrue(r.update("t1", TaskStatus.newBuilder().setState(TaskState.RUNNING).build()));
    assertTrue(!r.update("t1", TaskStatus.newBuilder().setState(TaskState.STARTING).build()));
    assertTrue(!r.update("t1", TaskStatus.newBuilder().setState(TaskState.RUNNING).build()));
    assertEquals(1, r.takePending().size());
    assertEquals(0, r.takePending().size());
    r.resendAll();
    assertEquals(1, r.takePending().size());
  }
}
