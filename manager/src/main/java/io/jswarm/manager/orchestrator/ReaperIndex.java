package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the task reaper keeps between passes: the finished history of each slot (task ids), the
 * nodes it knows and those that are down, and what to look at next: tasks that may have become
 * removable and slots whose history grew. {@link #decide} reads only those.
 */
final class ReaperIndex {
  final Map<String, Set<String>> history = new HashMap<>();
  final Set<String> known = new HashSet<>();
  final Set<String> gone = new HashSet<>();
  int limit = TaskReaper.DEFAULT_HISTORY_LIMIT;
  final Set<String> dirtyTasks = new LinkedHashSet<>();
  final Set<String> dirtySlots = new LinkedHashSet<>();
  final Set<String> dirtyNodes = new LinkedHashSet<>();

  void reset(StoreView v) {
    history.clear();
    known.clear();
    gone.clear();
    limit = limitOf(v);
    for (Node n : v.nodes()) node(n);
    for (Task t : v.tasks()) {
      add(t);
      if (t.getDesiredState() == TaskState.REMOVE) dirtyTasks.add(t.getId());
    }
    dirtySlots.addAll(history.keySet());
  }

  static int limitOf(StoreView v) {
    return v.cluster().map(c -> (int) c.getSpec().getTaskHistoryLimit()).filter(l -> l > 0)
        .orElse(TaskReaper.DEFAULT_HISTORY_LIMIT);
  }

  void apply(StoreEvent e) {
    var o = e.object();
    if (o.hasTask()) {
      if (e.oldObject() != null) remove(e.oldObject().getTask());
      if (e.newObject() != null) {
        Task t = e.newObject().getTask();
        add(t);
        if (t.getDesiredState() == TaskState.REMOVE) dirtyTasks.add(t.getId());
      }
    } else if (o.hasNode()) {
      String id = o.getNode().getId();
      boolean wasGone = !known.contains(id) || gone.contains(id);
      known.remove(id);
      gone.remove(id);
      if (e.newObject() != null) node(e.newObject().getNode());
      boolean isGone = !known.contains(id) || gone.contains(id);
      if (wasGone != isGone) dirtyNodes.add(id);
    } else if (o.hasCluster() && e.newObject() != null) {
      int l = (int) e.newObject().getCluster().getSpec().getTaskHistoryLimit();
      int next = l > 0 ? l : TaskReaper.DEFAULT_HISTORY_LIMIT;
      if (next < limit) dirtySlots.addAll(history.keySet());
      limit = next;
    }
  }

  private void node(Node n) {
    known.add(n.getId());
    if (n.getStatus().getState() == NodeStatus.State.DOWN) gone.add(n.getId());
  }

  private void add(Task t) {
    String k = historyKey(t);
    if (k == null) return;
    history.computeIfAbsent(k, x -> new HashSet<>()).add(t.getId());
    dirtySlots.add(k);
  }

  private void remove(Task t) {
    String k = historyKey(t);
    if (k == null) return;
    Set<String> h = history.get(k);
    if (h != null && h.remove(t.getId()) && h.isEmpty()) history.remove(k);
  }

  /** The slot a finished task is history of, or null when it is not history. */
  static String historyKey(Task t) {
    if (t.getDesiredState() == TaskState.REMOVE || t.getDesiredState().getNumber() <= TaskState.RUNNING.getNumber()
        || !TaskStates.isTerminal(t.getStatus().getState())) return null;
    // Global services' tasks (slot 0) keep their history per node.
    return t.getServiceId() + "/" + (t.getSlot() == 0 ? t.getNodeId() : t.getSlot());
  }

  /** Whether a task is down for good: finished, never placed, or on a node down or gone. */
  boolean down(Task t) {
    return TaskStates.isTerminal(t.getStatus().getState())
        || t.getStatus().getState().getNumber() < TaskState.ASSIGNED.getNumber()
        || t.getNodeId().isEmpty() || gone.contains(t.getNodeId()) || !known.contains(t.getNodeId());
  }

  /** Empties the dirty sets: the tasks to delete among what changed. */
  List<Task> decide(StoreView v, java.util.concurrent.atomic.AtomicLong visited) {
    for (String n : dirtyNodes) {
      for (Task t : v.tasksByNode(n)) {
        visited.incrementAndGet();
        if (t.getDesiredState() == TaskState.REMOVE) dirtyTasks.add(t.getId());
      }
    }
    dirtyNodes.clear();
    List<Task> out = new ArrayList<>();
    Set<String> chosen = new HashSet<>();
    for (String id : dirtyTasks) {
      visited.incrementAndGet();
      Task t = v.task(id).orElse(null);
      if (t != null && t.getDesiredState() == TaskState.REMOVE && down(t) && chosen.add(id)) out.add(t);
    }
    dirtyTasks.clear();
    for (String k : dirtySlots) {
      Set<String> h = history.get(k);
      if (h == null || h.size() <= limit) continue;
      List<Task> ts = new ArrayList<>();
      for (String id : h) {
        visited.incrementAndGet();
        v.task(id).ifPresent(ts::add);
      }
      ts.sort(CreationOrder.OLDEST_FIRST);
      for (Task t : ts.subList(0, Math.max(0, ts.size() - limit))) if (chosen.add(t.getId())) out.add(t);
    }
    dirtySlots.clear();
    return out;
  }

  Object kept() {
    Map<String, Set<String>> h = new HashMap<>();
    history.forEach((k, s) -> h.put(k, Set.copyOf(s)));
    return List.of(h, Set.copyOf(known), Set.copyOf(gone), limit);
  }
}
