package io.jswarm.manager.dispatcher;

import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.store.StoreEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks travel to each node, kept from store events. Finished tasks do not: their absence
 * tells the worker to remove what is left of their containers; live ones do, whatever their
 * desired state, so that the worker stops those that should stop. Tasks not yet ASSIGNED do not
 * either. Not thread-safe: the dispatcher's loop owns it.
 */
final class AssignmentSet {
  /** node → task id → task. */
  private final Map<String, Map<String, Task>> byNode = new HashMap<>();

  static boolean travels(Task t) {
    // A global service's task names its node before the scheduler confirmed it (PENDING).
    return !t.getNodeId().isEmpty() && !TaskStates.isTerminal(t.getStatus().getState())
        && t.getStatus().getState().getNumber() >= TaskState.ASSIGNED.getNumber();
  }

  static AssignmentSet of(List<Task> tasks) {
    AssignmentSet s = new AssignmentSet();
    for (Task t : tasks) s.put(t);
    return s;
  }

  /**
   * Folds a task event in; {@code touched} (node id → task ids) gains every node whose set may
   * have changed and the task concerned.
   */
  void apply(StoreEvent e, Map<String, Set<String>> touched) {
    Task before = e.oldObject() != null && e.oldObject().hasTask() ? e.oldObject().getTask() : null;
    Task after = e.newObject() != null && e.newObject().hasTask() ? e.newObject().getTask() : null;
    if (before == null && after == null) return;
    String id = after != null ? after.getId() : before.getId();
    if (before != null && !before.getNodeId().isEmpty()) {
      remove(before.getNodeId(), id);
      touched.computeIfAbsent(before.getNodeId(), k -> new java.util.HashSet<>()).add(id);
    }
    if (after != null) {
      put(after);
      if (!after.getNodeId().isEmpty()) touched.computeIfAbsent(after.getNodeId(), k -> new java.util.HashSet<>()).add(id);
    }
  }

  private void put(Task t) {
    if (travels(t)) byNode.computeIfAbsent(t.getNodeId(), k -> new HashMap<>()).put(t.getId(), t);
  }

  private void remove(String node, String id) {
    Map<String, Task> m = byNode.get(node);
    if (m != null && m.remove(id) != null && m.isEmpty()) byNode.remove(node);
  }

  /** The node's set now (a live view: copy before keeping it). */
  Map<String, Task> forNode(String nodeId) {
    return byNode.getOrDefault(nodeId, Map.of());
  }
}
