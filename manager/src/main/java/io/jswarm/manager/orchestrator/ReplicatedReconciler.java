package io.jswarm.manager.orchestrator;

import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
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
    List<Task> create = new ArrayList<>();
    List<Task> update = new ArrayList<>();
    long replicas = service.getSpec().hasReplicated() ? service.getSpec().getReplicated().getReplicas() : 0;

    Map<Long, List<Task>> liveBySlot = new TreeMap<>();
    for (Task t : tasks) {
      if (t.getDesiredState() == TaskState.RUNNING) {
        liveBySlot.computeIfAbsent(t.getSlot(), k -> new ArrayList<>()).add(t);
      }
    }

    for (long slot = 1; slot <= replicas; slot++) {
      List<Task> live = liveBySlot.getOrDefault(slot, List.of());
      // Keep the newest live task of a slot; any other is a leftover of a race.
      live = new ArrayList<>(live);
      live.sort(Comparator.comparingLong((Task t) -> t.getMeta().getCreatedAtMs()).reversed());
      for (int i = 1; i < live.size(); i++) update.add(withDesired(live.get(i), TaskState.SHUTDOWN));
      if (live.isEmpty()) {
        if (!slotEnded(tasks, slot, service)) create.add(newTask(service, slot, 0, 0, ids));
        continue;
      }
      Task t = live.get(0);
      boolean nodeLost = !t.getNodeId().isEmpty() && downNodes.contains(t.getNodeId());
      boolean failed = TaskStates.isTerminal(t.getStatus().getState()) || nodeLost;
      if (failed) {
        update.add(withDesired(t, TaskState.SHUTDOWN));
        if (nodeLost || shouldRestart(service.getSpec().getTask().getRestart(), t)) {
          // The restart delay damps a container's crash loop; a lost node is no crash loop, and
          // its tasks are replaced at once.
          long delay = nodeLost && !TaskStates.isTerminal(t.getStatus().getState())
              ? 0 : restartDelay(service.getSpec().getTask().getRestart());
          create.add(newTask(service, slot, t.getRestartCount() + 1, nowMs + delay, ids));
        }
      } else if (t.getSpecVersion() != service.getSpecVersion()) {
        update.add(withDesired(t, TaskState.SHUTDOWN));
        create.add(newTask(service, slot, 0, 0, ids));
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
   * A slot whose last task ended and may not be restarted stays empty (restart condition none,
   * on-failure after a clean exit, or attempts used up); otherwise an empty slot is refilled.
   */
  private static boolean slotEnded(List<Task> tasks, long slot, Service service) {
    Task last = null;
    for (Task t : tasks) {
      if (t.getSlot() != slot || t.getSpecVersion() != service.getSpecVersion()) continue;
      if (t.getDesiredState() == TaskState.REMOVE) continue; // scaled away, not ended
      if (last == null || t.getMeta().getCreatedAtMs() > last.getMeta().getCreatedAtMs()) last = t;
    }
    if (last == null || !TaskStates.isTerminal(last.getStatus().getState())) return false;
    return !shouldRestart(service.getSpec().getTask().getRestart(), last);
  }

  static boolean shouldRestart(RestartPolicy p, Task t) {
    if (p.getMaxAttempts() > 0 && t.getRestartCount() >= p.getMaxAttempts()) return false;
    switch (p.getCondition()) {
      case NONE:
        return false;
      case ON_FAILURE:
        return t.getStatus().getState() != TaskState.COMPLETE;
      default:
        return true;
    }
  }

  static long restartDelay(RestartPolicy p) {
    return p.getDelaySet() ? p.getDelayMs() : DEFAULT_RESTART_DELAY_MS;
  }

  static Task withDesired(Task t, TaskState desired) {
    return t.toBuilder().setDesiredState(desired).build();
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
        .build();
  }
}
