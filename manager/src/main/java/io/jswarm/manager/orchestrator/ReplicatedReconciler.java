package io.jswarm.manager.orchestrator;

import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The replicated orchestrator's decision, as a pure function of one service and its tasks.
 *
 * <p>A replicated service has slots 1..replicas; each slot has at most one live task (desired
 * RUNNING). A slot without one gets a new task; a live task that ended (or whose node is down)
 * is replaced according to the restart policy; a task made from an older spec version is
 * replaced (stop-first); slots above the replica count are emptied. Old tasks are never
 * deleted here: they get desired SHUTDOWN (history, reaped later) or REMOVE (scale-down).
 */
public final class ReplicatedReconciler {
  /** Default restart delay when the user gave none, as in Docker Swarm. */
  public static final long DEFAULT_RESTART_DELAY_MS = 5_000;

  private ReplicatedReconciler() {}

  /** Tasks to create and tasks (with changed desired state) to update. */
  public record Plan(List<Task> create, List<Task> update) {
    public boolean isEmpty() {
      return create.isEmpty() && update.isEmpty();
    }
  }

  public static Plan reconcile(
      Service service, List<Task> tasks, Set<String> downNodes, long nowMs, Supplier<String> ids) {
    return reconcile(service, tasks, downNodes, nowMs, ids, Long.MAX_VALUE, false);
  }

  /**
   * @param downNodes nodes whose tasks are moved away at once: down, or drained
   * @param staleBudget how many tasks of an older spec version may be replaced in this pass
   *     (the rolling update's batch, see {@link UpdateSupervisor})
   * @param startFirst start a stale task's replacement before stopping it (it stops once the
   *     replacement is RUNNING)
   */
  public static Plan reconcile(Service service, List<Task> tasks, Set<String> downNodes, long nowMs,
      Supplier<String> ids, long staleBudget, boolean startFirst) {
    long budget = staleBudget;
    List<Task> create = new ArrayList<>();
    List<Task> update = new ArrayList<>();
    long replicas = service.getSpec().hasReplicated() ? service.getSpec().getReplicated().getReplicas() : 0;

    Map<Long, List<Task>> liveBySlot = new TreeMap<>();
    for (Task t : tasks) {
      if (t.getDesiredState() == TaskState.RUNNING) {
        liveBySlot.computeIfAbsent(t.getSlot(), k -> new ArrayList<>()).add(t);
      }
    }

    // A slot being refilled (e.g. after a stop-first replacement stopped) takes from the batch;
    // one its restart policy leaves empty (a failed new task not restarted) does not.
    if (budget != Long.MAX_VALUE) {
      for (long slot = 1; slot <= replicas; slot++) {
        if (!liveBySlot.containsKey(slot) && !slotEnded(tasks, slot, service)) budget = Math.max(0, budget - 1);
      }
    }
    for (long slot = 1; slot <= replicas; slot++) {
      List<Task> live = liveBySlot.getOrDefault(slot, List.of());
      // Keep the newest live task of a slot; any other is a leftover of a race, or the task a
      // start-first update replaces: that one stops once its replacement is RUNNING.
      live = new ArrayList<>(live);
      live.sort(CreationOrder.NEWEST_FIRST);
      if (live.isEmpty()) {
        if (!slotEnded(tasks, slot, service) && !replacedStillStopping(tasks, slot, service, downNodes)) {
          create.add(newTask(service, slot, 0, 0, ids));
        }
        continue;
      }
      Task t = live.get(0);
      boolean starting = t.getSpecVersion() == service.getSpecVersion()
          && t.getStatus().getState().getNumber() < TaskState.RUNNING.getNumber()
          && !(downNodes.contains(t.getNodeId()));
      for (int i = 1; i < live.size(); i++) {
        Task old = live.get(i);
        boolean keep = starting && !TaskStates.isTerminal(old.getStatus().getState()) && !downNodes.contains(old.getNodeId());
        if (!keep) update.add(withDesired(old, TaskState.SHUTDOWN));
      }
      boolean nodeLost = !t.getNodeId().isEmpty() && downNodes.contains(t.getNodeId());
      boolean failed = TaskStates.isTerminal(t.getStatus().getState()) || nodeLost;
      if (failed) {
        update.add(withDesired(t, TaskState.SHUTDOWN));
        RestartPolicy policy = service.getSpec().getTask().getRestart();
        if (nodeLost || shouldRestart(policy, t)) {
          // The restart delay damps a container's crash loop; a lost (or drained) node is no
          // crash loop, and its tasks are replaced at once.
          boolean crashed = !nodeLost || TaskStates.isTerminal(t.getStatus().getState());
          long delay = crashed ? restartDelay(policy) : 0;
          create.add(restarted(newTask(service, slot, 0, nowMs + delay, ids), t, policy, nowMs, crashed));
        }
      } else if (t.getSpecVersion() != service.getSpecVersion() && budget > 0) {
        budget--;
        // stop-first: the replacement is made once this task is down (a later pass).
        if (startFirst) create.add(newTask(service, slot, 0, 0, ids));
        else update.add(withDesired(t, TaskState.SHUTDOWN));
      }
    }
    for (Map.Entry<Long, List<Task>> e : liveBySlot.entrySet()) {
      if (e.getKey() > replicas) {
        for (Task t : e.getValue()) update.add(withDesired(t, TaskState.REMOVE));
      }
    }
    return new Plan(create, update);
  }

  /** Tasks of a removed service: all of them go away. */
  public static List<Task> removeAll(List<Task> tasks) {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks) {
      if (t.getDesiredState() != TaskState.REMOVE) out.add(withDesired(t, TaskState.REMOVE));
    }
    return out;
  }

  /**
   * A stop-first update stopped the slot's stale task, which has not stopped yet: its
   * replacement waits (unless the node is down, when it never will report).
   */
  static boolean replacedStillStopping(List<Task> tasks, long slot, Service service, Set<String> downNodes) {
    for (Task t : tasks) {
      if (t.getSlot() == slot && stopping(t, service) && !downNodes.contains(t.getNodeId())) return true;
    }
    return false;
  }

  /** A stale task told to shut down that is still on its node. */
  static boolean stopping(Task t, Service service) {
    return t.getSpecVersion() != service.getSpecVersion() && t.getDesiredState() == TaskState.SHUTDOWN
        && !TaskStates.isTerminal(t.getStatus().getState())
        && t.getStatus().getState().getNumber() >= TaskState.ASSIGNED.getNumber();
  }

  /**
   * A slot whose last task ended and may not be restarted stays empty (restart condition none,
   * on-failure after a clean exit, or attempts used up); otherwise an empty slot is refilled.
   */
  private static boolean slotEnded(List<Task> tasks, long slot, Service service) {
    Task last = null;
    for (Task t : tasks) {
      if (t.getSlot() != slot || t.getSpecVersion() != service.getSpecVersion()) continue;
      if (t.getDesiredState() == TaskState.REMOVE) continue; // scaled away, not ended
      if (last == null || CreationOrder.newer(t, last)) last = t;
    }
    if (last == null || !TaskStates.isTerminal(last.getStatus().getState())) return false;
    return !shouldRestart(service.getSpec().getTask().getRestart(), last);
  }

  static boolean shouldRestart(RestartPolicy p, Task t) {
    if (p.getMaxAttempts() > 0 && restartsInWindow(p, t) >= p.getMaxAttempts()) return false;
    switch (p.getCondition()) {
      case NONE:
        return false;
      case ON_FAILURE:
        return t.getStatus().getState() != TaskState.COMPLETE;
      default:
        return true;
    }
  }

  /**
   * Restarts counted against max_attempts when task {@code t} ended: those of the current window
   * (restart_window_start_ms + window_ms), none once it expired. The window is judged at the time
   * the task ended, so the decision does not change with the time of the pass.
   */
  static long restartsInWindow(RestartPolicy p, Task t) {
    if (p.getWindowMs() <= 0 || t.getRestartWindowStartMs() == 0) return t.getRestartCount();
    long endedAt = t.getStatus().getTimestampMs();
    return endedAt - t.getRestartWindowStartMs() > p.getWindowMs() ? 0 : t.getRestartCount();
  }

  /** The replacement of {@code prev} carries its restart count and window on (a crash counts). */
  static Task restarted(Task fresh, Task prev, RestartPolicy p, long now, boolean crashed) {
    if (!crashed) {
      return fresh.toBuilder().setRestartCount(prev.getRestartCount()).setRestartWindowStartMs(prev.getRestartWindowStartMs()).build();
    }
    long inWindow = restartsInWindow(p, prev);
    long windowStart = inWindow == 0 || prev.getRestartWindowStartMs() == 0 ? now : prev.getRestartWindowStartMs();
    if (p.getWindowMs() <= 0) windowStart = prev.getRestartWindowStartMs() == 0 ? now : prev.getRestartWindowStartMs();
    return fresh.toBuilder().setRestartCount(inWindow + 1).setRestartWindowStartMs(windowStart).build();
  }

  static long restartDelay(RestartPolicy p) {
    return p.getDelaySet() ? p.getDelayMs() : DEFAULT_RESTART_DELAY_MS;
  }

  /**
   * A task that never reached a node (not yet ASSIGNED) has no worker to report its end: when it
   * is told to stop, it is SHUTDOWN at once, so that it neither lingers as a pending ghost nor
   * holds up an update's convergence.
   */
  static Task withDesired(Task t, TaskState desired) {
    Task.Builder b = t.toBuilder().setDesiredState(desired);
    if (desired.getNumber() > TaskState.RUNNING.getNumber()
        && t.getStatus().getState().getNumber() < TaskState.ASSIGNED.getNumber()) {
      b.setStatus(t.getStatus().toBuilder().setState(TaskState.SHUTDOWN).setErr("")
          .setMessage("shut down before it was scheduled"));
    }
    return b.build();
  }

  static Task newTask(Service s, long slot, long restarts, long notBeforeMs, Supplier<String> ids) {
    String image = s.getSpec().getTask().getContainer().getImage();
    int at = image.indexOf('@');
    return Task.newBuilder()
        .setId(ids.get())
        .setServiceId(s.getId())
        .setServiceName(s.getSpec().getName())
        .setSlot(slot)
        .setSpec(s.getSpec().getTask())
        .setSpecVersion(s.getSpecVersion())
        .setDesiredState(TaskState.RUNNING)
        .setImageDigest(at >= 0 ? image.substring(at + 1) : "")
        .setRestartCount(restarts)
        .setNotBeforeMs(notBeforeMs)
        .setStatus(TaskStatus.newBuilder().setState(TaskState.PENDING).setMessage("pending task scheduling"))
        .addAllPorts(s.getEndpoint().getPortsList().stream()
            .filter(p -> p.getPublishMode() == io.jswarm.api.PortConfig.PublishMode.HOST).toList())
        .build();
  }
}
