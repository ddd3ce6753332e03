package io.jswarm.worker.agent;

import io.jswarm.api.ContainerStatus;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.TaskStatus;
import io.jswarm.worker.engine.ContainerState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The executor's decisions as a pure function: from the assignments (the full set of this node's
 * tasks), the containers on the node and the states already reported, what to do next.
 *
 * <ul>
 *   <li>desired RUNNING, no container, not yet accepted → start it; accepted but the container is
 *       gone (e.g. the host rebooted) → FAILED;
 *   <li>desired RUNNING, container running but not reported RUNNING (daemon restart) → RUNNING;
 *   <li>container exited, not yet reported → COMPLETE (exit 0) or FAILED "task: non-zero exit (N)";
 *   <li>desired past RUNNING → stop with the task's grace period, SHUTDOWN, remove;
 *   <li>a container whose task is not assigned any more → stop and remove it.
 * </ul>
 * Tasks with an operation in flight ({@code busy}) are left alone until it ends.
 */
final class Reconciler {
  private Reconciler() {}

  static List<Action> plan(List<Task> assigned, Map<String, ContainerState> containers,
      Map<String, TaskState> reported, Set<String> busy, Map<String, Task> remembered, long nowMs) {
    return plan(assigned, containers, reported, busy, remembered, nowMs, id -> HealthMonitor.Status.HEALTHY);
  }

  /**
   * @param health the health of a task with a healthcheck: RUNNING is reported only once
   *     HEALTHY, and an UNHEALTHY task is reported FAILED (the orchestrator replaces it)
   */
  static List<Action> plan(List<Task> assigned, Map<String, ContainerState> containers,
      Map<String, TaskState> reported, Set<String> busy, Map<String, Task> remembered, long nowMs,
      java.util.function.Function<String, HealthMonitor.Status> health) {
    List<Action> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Task t : assigned) {
      ids.add(t.getId());
      if (busy.contains(t.getId())) {
        continue;
      }
      ContainerState c = containers.get(t.getId());
      TaskState known = known(t, reported);
      boolean done = TaskStates.isTerminal(known);
      TaskState desired = t.getDesiredState();
      if (desired.getNumber() <= TaskState.RUNNING.getNumber()) {
        if (desired != TaskState.RUNNING) {
          continue;
        }
        if (c == null) {
          if (known.getNumber() < TaskState.ACCEPTED.getNumber()) {
            out.add(new Action.Start(t));
          } else if (!done) {
            out.add(new Action.Report(t.getId(),
                status(TaskState.FAILED, "container missing", "task: container " + t.getId() + " no longer exists on the node", null, nowMs)));
          }
          continue;
        }
        switch (c.status()) {
          case CREATED -> {
            if (!done) {
              out.add(new Action.Start(t));
            }
          }
          case RUNNING -> {
            HealthMonitor.Status h = HealthMonitor.hasHealthcheck(t) ? health.apply(t.getId()) : HealthMonitor.Status.HEALTHY;
            if (h == HealthMonitor.Status.UNHEALTHY && !done) {
              out.add(new Action.Report(t.getId(), status(TaskState.FAILED, "unhealthy", "task: unhealthy container", c, nowMs)));
            } else if (h == HealthMonitor.Status.HEALTHY && known.getNumber() < TaskState.RUNNING.getNumber()) {
              out.add(new Action.Report(t.getId(), status(TaskState.RUNNING, "started", "", c, nowMs)));
            }
          }
          case STOPPED -> {
            if (!done) {
              out.add(new Action.Report(t.getId(), exitStatus(c, nowMs)));
            }
          }
        }
      } else {
        if (c == null) {
          if (!done && known.getNumber() >= TaskState.ASSIGNED.getNumber()) {
            out.add(new Action.Report(t.getId(), status(TaskState.SHUTDOWN, "shutdown", "", null, nowMs)));
          }
        } else if (c.status() != ContainerState.Status.STOPPED) {
          out.add(new Action.StopAndRemove(c.id(), TaskContainers.stopGraceMs(t), TaskContainers.stopSignal(t), !done));
        } else {
          if (!done) {
            out.add(new Action.Report(t.getId(), status(TaskState.SHUTDOWN, "shutdown", "", c, nowMs)));
          }
          out.add(new Action.Remove(c.id()));
        }
      }
    }
    for (ContainerState c : containers.values()) {
      if (ids.contains(c.id()) || busy.contains(c.id())) {
        continue;
      }
      if (c.status() == ContainerState.Status.STOPPED) {
        out.add(new Action.Remove(c.id()));
      } else {
        Task t = remembered.get(c.id());
        out.add(new Action.StopAndRemove(c.id(),
            t == null ? TaskContainers.DEFAULT_STOP_GRACE_MS : TaskContainers.stopGraceMs(t),
            t == null ? "" : TaskContainers.stopSignal(t), false));
      }
    }
    return out;
  }

  /** The furthest state known: the manager's record or what this agent reported since. */
  static TaskState known(Task t, Map<String, TaskState> reported) {
    TaskState mine = reported.get(t.getId());
    TaskState theirs = t.getStatus().getState();
    return mine != null && mine.getNumber() > theirs.getNumber() ? mine : theirs;
  }

  static TaskStatus exitStatus(ContainerState c, long nowMs) {
    if (c.exitCode() == 0) {
      return status(TaskState.COMPLETE, "finished", "", c, nowMs);
    }
    return status(TaskState.FAILED, "started", "task: non-zero exit (" + c.exitCode() + ")", c, nowMs);
  }

  static TaskStatus status(TaskState s, String message, String err, ContainerState c, long nowMs) {
    TaskStatus.Builder b = TaskStatus.newBuilder().setState(s).setTimestampMs(nowMs).setMessage(message).setErr(err);
    if (c != null) {
      b.setContainer(ContainerStatus.newBuilder().setContainerId(c.id()).setPid(c.pid()).setExitCode(c.exitCode()));
    }
    return b.build();
  }
}
