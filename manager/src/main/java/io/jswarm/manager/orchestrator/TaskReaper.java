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
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes tasks nobody needs any more: tasks marked REMOVE once they are down (or never reached
 * a live node), and finished history beyond the cluster's task-history limit per slot.
 *
 * <p>Incremental: its {@link ReaperIndex} keeps each slot's history from watch events, and a pass
 * looks only at tasks that changed, slots whose history grew and tasks on nodes that went down or
 * left. {@link #reap} is the same decision over the whole state, kept as the reference the
 * property test compares with.
 */
public final class TaskReaper extends WatchLoop {
  public static final int DEFAULT_HISTORY_LIMIT = 5;
  private final ReaperIndex index = new ReaperIndex();

  public TaskReaper(RaftStore store) {
    super(store, "task-reaper");
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    var o = e.object();
    return o.hasTask() || o.hasNode() || o.hasCluster();
  }

  @Override
  protected void reset(StoreView v) {
    index.reset(v);
  }

  @Override
  protected void onEvent(StoreEvent e) {
    index.apply(e);
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    List<Task> dead = store.read(v -> index.decide(v, visited));
    if (dead.isEmpty()) return;
    BatchWriter batch = store.leaderBatch();
    // each delete names the version read: if a task changed since, its entry is refused and the
    // change (an event) marks it again
    try {
      for (List<Task> chunk : Chunks.of(dead, store.limits())) {
        batch.update(tx -> chunk.forEach(tx::delete));
      }
      batch.commit();
    } catch (Exception e) {
      dead.forEach(t -> index.dirtyTasks.add(t.getId()));
      dead.forEach(t -> {
        String k = ReaperIndex.historyKey(t);
        if (k != null) index.dirtySlots.add(k);
      });
      throw e;
    }
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
      h.sort(CreationOrder.OLDEST_FIRST);
      out.addAll(h.subList(0, h.size() - historyLimit));
    }
    return out;
  }
}
