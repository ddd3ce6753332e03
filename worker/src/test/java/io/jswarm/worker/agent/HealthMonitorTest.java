package io.jswarm.worker.agent;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.HealthConfig;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.worker.agent.HealthMonitor.Health;
import io.jswarm.worker.agent.HealthMonitor.Status;
import io.jswarm.worker.engine.ContainerState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
  static final HealthConfig CFG = HealthConfig.newBuilder().addTest("CMD-SHELL").addTest("cat /tmp/ok")
      .setIntervalMs(100).setRetries(2).setStartPeriodMs(1000).build();

  @Test
  void successMakesHealthyAndRetriesConsecutiveFailuresUnhealthy() {
    Health h = new Health(Status.STARTING, 0, 0, 0);
    h = HealthMonitor.next(h, false, 500, CFG);
    assertEquals(Status.STARTING, h.status());
    assertEquals(0, h.failures(), "the start period forgives");
    h = HealthMonitor.next(h, false, 1500, CFG);
    assertEquals(1, h.failures());
    h = HealthMonitor.next(h, true, 1600, CFG);
    assertEquals(Status.HEALTHY, h.status());
    assertEquals(0, h.failures());
    h = HealthMonitor.next(h, false, 1700, CFG);
    assertEquals(Status.HEALTHY, h.status(), "one failure of two allowed");
    h = HealthMonitor.next(h, false, 1800, CFG);
    assertEquals(Status.UNHEALTHY, h.status());
  }

  @Test
  void commandForms() {
    assertEquals(List.of("/bin/sh", "-c", "cat /tmp/ok"), HealthMonitor.command(CFG));
    assertEquals(List.of("true"), HealthMonitor.command(HealthConfig.newBuilder().addTest("CMD").addTest("true").build()));
  }

  static Task task(HealthConfig h, TaskState observed) {
    return Task.newBuilder().setId("t").setDesiredState(TaskState.RUNNING).setStatus(TaskStatus.newBuilder().setState(observed))
        .setSpec(TaskSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setImage("busybox").setHealthcheck(h))).build();
  }

  static List<Action> plan(Task t, Status health) {
    return Reconciler.plan(List.of(t), Map.of("t", new ContainerState("t", "t", ContainerState.Status.RUNNING, 42, -1)),
        Map.of(), Set.of(), Map.of(), 1L, id -> health);
  }

  @Test
  void runningOnlyWhenHealthyAndUnhealthyFails() {
    assertTrue(plan(task(CFG, TaskState.STARTING), Status.STARTING).isEmpty(), "stays STARTING");
    var running = (Action.Report) plan(task(CFG, TaskState.STARTING), Status.HEALTHY).get(0);
    assertEquals(TaskState.RUNNING, running.status().getState());
    var failed = (Action.Report) plan(task(CFG, TaskState.RUNNING), Status.UNHEALTHY).get(0);
    assertEquals(TaskState.FAILED, failed.status().getState());
    assertEquals("task: unhealthy container", failed.status().getErr());
    HealthConfig none = HealthConfig.newBuilder().addTest("NONE").build();
    assertEquals(TaskState.RUNNING, ((Action.Report) plan(task(none, TaskState.STARTING), Status.STARTING).get(0)).status().getState(),
        "NONE: no healthcheck");
  }
}
