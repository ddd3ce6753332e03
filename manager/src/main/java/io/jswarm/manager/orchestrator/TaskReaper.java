package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.manager.Chunks;
import io.jswarm.manager.WatchLoop;
import io.jswarm.store.BatchWriter;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes tasks nobody needs any more: tasks marked REMOVE once they are down (or never reached
 * a live node), and finished history beyond the cluster's task-history limit per slot.
 */
public final class TaskReaper extends WatchLoop {
  public static final int DEFAULT_HISTORY_LIMIT = 5;

  public TaskReaper(RaftStore store) {
    super(store, "task-reaper");
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    var o = e.newObject() != null ? e.newObject() : e.oldObject();
    return o.hasTask() || o.hasNode();
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    BatchWriter batch = store.leaderBatch();
    List<Task> dead = store.read(v -> {
      int limit = v.cluster().map(c -> (int) c.getSpec().getTaskHistoryLimit()).filter(l -> l > 0)
          .orElse(DEFAULT_HISTORY_LIMIT);
      return reap(v.tasks(), v.nodes(), limit);
    });
    // each delete names the version read: if a task changed since, its entry is refused and the
    // next pass (woken by that change) reaps again
    for (List<Task> chunk : Chunks.of(dead, store.limits())) {
      batch.update(tx -> chunk.forEach(tx::delete));
    }
    batch.commit();
  }

  /** Pure: which tasks to delete. */
  public static List<Task> reap(List<Task> tasks, List<Node> nodes, int historyLimit) {
    Set<String> gone = new HashSet<>();
    for (Node n : nodes) {
      if (n.getStatus().getState() == NodeStatus.State.DOWN) gone.add(n.getId());
    }
    Set<String> known = new HashSet<>();
    for (Node n : nodes) known.add(n.getId());
    List<Task> out = new ArrayList<>();
    Map<String, List<Task>> history = new HashMap<>();
    for (Task t : tasks) {
      boolean down = TaskStates.isTerminal(t.getStatus().getState())
          || t.getStatus().getState().getNumber() < TaskState.ASSIGNED.getNumber()
          || t.getNodeId().isEmpty() || gone.contains(t.getNodeId()) || !known.contains(t.getNodeId());
      if (t.getDesiredState() == TaskState.REMOVE) {
        if (down) out.add(t);
      } else if (t.getDesiredState().getNumber() > TaskState.RUNNING.getNumber()
          && TaskStates.isTerminal(t.getStatus().getState())) {
        // Global services' tasks (slot 0) keep their history per node.
        history.computeIfAbsent(t.getServiceId() + "/" + (t.getSlot() == 0 ? t.getNodeId() : t.getSlot()), k -> new ArrayList<>()).add(t);
      }
    }
    for (List<Task> h : history.values()) {
      if (h.size() <= historyLimit) continue;
      h.sort(Comparator.comparingLong((Task t) -> t.getMeta().getCreatedAtMs()));
      out.addAll(h.subList(0, h.size() - historyLimit));
    }
    return out;
  }
}
