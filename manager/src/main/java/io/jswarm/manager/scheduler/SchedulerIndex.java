package io.jswarm.manager.scheduler;

import io.jswarm.api.Node;
import io.jswarm.api.Task;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the scheduler keeps between passes, from watch events: the nodes, the load on each
 * ({@link NodeLoad}), and the pending tasks (by id, in id order: the order
 * {@link Scheduler#schedule} places them in). A pass then reads only the pending tasks, not
 * every task of the cluster.
 */
final class SchedulerIndex {
  final Map<String, Node> nodes = new TreeMap<>();
  final Map<String, NodeLoad> loads = new HashMap<>();
  final TreeMap<String, Task> pending = new TreeMap<>();
  /** Whether something changed that a pass should look at (a pending task or a node). */
  boolean dirty;

  void reset(StoreView v) {
    nodes.clear();
    loads.clear();
    pending.clear();
    for (Node n : v.nodes()) nodes.put(n.getId(), n);
    for (Task t : v.tasks()) add(t, 1);
    dirty = true;
  }

  void apply(StoreEvent e) {
    var o = e.object();
    if (o.hasNode()) {
      if (e.newObject() == null) nodes.remove(o.getNode().getId());
      else nodes.put(o.getNode().getId(), e.newObject().getNode());
      dirty = true;
    } else if (o.hasTask()) {
      if (e.oldObject() != null) add(e.oldObject().getTask(), -1);
      if (e.newObject() != null) add(e.newObject().getTask(), 1);
    }
  }

  private void add(Task t, int sign) {
    if (Scheduler.isPending(t)) {
      if (sign > 0) pending.put(t.getId(), t);
      else pending.remove(t.getId());
      dirty = true;
    } else if (Scheduler.isLoad(t)) {
      NodeLoad l = loads.computeIfAbsent(t.getNodeId(), k -> new NodeLoad());
      l.add(t, sign);
      if (l.isEmpty()) loads.remove(t.getNodeId());
      if (sign < 0) dirty = true; // freed room may let a waiting task in
    }
  }

  /** The kept part, for comparing with a rebuild. */
  Object kept() {
    return List.of(Map.copyOf(nodes), Map.copyOf(loads), Map.copyOf(pending));
  }

  @Override
  public String toString() {
    return Objects.toString(kept());
  }
}
