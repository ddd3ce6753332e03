package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.manager.scheduler.Constraint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The global orchestrator's decision, as a pure function of one service, its tasks and the
 * nodes: one live task per eligible node. A node is eligible for a new task when it is READY,
 * ACTIVE and matches the node constraints; a task it has stays while the node is not down, not
 * drained and still matches (so a paused node keeps its task but gets no new one). Tasks are made
 * with their node set (slot 0); the scheduler confirms that node's resources and assigns them.
 * Ended tasks restart per the restart policy; stale ones are replaced within the rolling
 * update's budget (stop-first: two tasks of one service never share a node).
 */
public final class GlobalReconciler {
  private GlobalReconciler() {}

  public static ReplicatedReconciler.Plan reconcile(Service service, List<Task> tasks, List<Node> nodes,
      long now, Supplier<String> ids, long staleBudget) {
    long budget = staleBudget;
    List<Task> create = new ArrayList<>();
    List<Task> update = new ArrayList<>();
    List<Constraint> constraints = new ArrayList<>();
    for (String c : service.getSpec().getTask().getPlacement().getConstraintsList()) {
      try {
        Constraint k = Constraint.parse(c);
        if (!k.isService()) constraints.add(k);
      } catch (IllegalArgumentException e) {
        // validated at create time
      }
    }
    Map<String, List<Task>> byNode = new HashMap<>();
    for (Task t : tasks) byNode.computeIfAbsent(t.getNodeId(), k -> new ArrayList<>()).add(t);
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(Node::getId));
    RestartPolicy policy = service.getSpec().getTask().getRestart();
    for (Node n : sorted) {
      boolean matches = constraints.stream().allMatch(c -> c.matches(n));
      boolean keep = matches && n.getStatus().getState() != NodeStatus.State.DOWN
          && n.getSpec().getAvailability() != NodeSpec.Availability.DRAIN;
      boolean takesNew = matches && n.getStatus().getState() == NodeStatus.State.READY
          && n.getSpec().getAvailability() == NodeSpec.Availability.ACTIVE;
      List<Task> mine = byNode.getOrDefault(n.getId(), List.of());
      List<Task> live = new ArrayList<>();
      for (Task t : mine) if (t.getDesiredState() == TaskState.RUNNING) live.add(t);
      live.sort(CreationOrder.NEWEST_FIRST);
      for (int i = 1; i < live.size(); i++) update.add(ReplicatedReconciler.withDesired(live.get(i), TaskState.SHUTDOWN));
      if (live.isEmpty()) {
        boolean stopping = mine.stream().anyMatch(x -> ReplicatedReconciler.stopping(x, service))
            && n.getStatus().getState() != NodeStatus.State.DOWN;
        if (takesNew && !stopping && !ended(mine, service)) create.add(pinned(service, n, 0, ids));
        continue;
      }
      Task t = live.get(0);
      if (!keep) {
        update.add(ReplicatedReconciler.withDesired(t, TaskState.SHUTDOWN));
      } else if (TaskStates.isTerminal(t.getStatus().getState())) {
        update.add(ReplicatedReconciler.withDesired(t, TaskState.SHUTDOWN));
        if (ReplicatedReconciler.shouldRestart(policy, t)) {
          Task fresh = pinned(service, n, now + ReplicatedReconciler.restartDelay(policy), ids);
          create.add(ReplicatedReconciler.restarted(fresh, t, policy, now, true));
        }
      } else if (t.getSpecVersion() != service.getSpecVersion() && budget > 0 && takesNew) {
        budget--;
        update.add(ReplicatedReconciler.withDesired(t, TaskState.SHUTDOWN)); // replaced once it is down
      }
    }
    // Tasks on nodes that left the swarm.
    Map<String, Node> known = new HashMap<>();
    for (Node n : nodes) known.put(n.getId(), n);
    for (Task t : tasks) {
      if (t.getDesiredState() == TaskState.RUNNING && !known.containsKey(t.getNodeId())) {
        update.add(ReplicatedReconciler.withDesired(t, TaskState.REMOVE));
      }
    }
    return new ReplicatedReconciler.Plan(create, update);
  }

  /** The node's last task of the current spec ended and may not restart. */
  private static boolean ended(List<Task> mine, Service service) {
    Task last = null;
    for (Task t : mine) {
      if (t.getSpecVersion() != service.getSpecVersion() || t.getDesiredState() == TaskState.REMOVE) continue;
      if (last == null || CreationOrder.newer(t, last)) last = t;
    }
    if (last == null || !TaskStates.isTerminal(last.getStatus().getState())) return false;
    // A task shut down because its node was drained or paused is not an end.
    if (last.getDesiredState() == TaskState.SHUTDOWN && last.getStatus().getState() == TaskState.SHUTDOWN) return false;
    return !ReplicatedReconciler.shouldRestart(service.getSpec().getTask().getRestart(), last);
  }

  private static Task pinned(Service s, Node n, long notBefore, Supplier<String> ids) {
    return ReplicatedReconciler.newTask(s, 0, 0, notBefore, ids).toBuilder().setNodeId(n.getId()).build();
  }
}
