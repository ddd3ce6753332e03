package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.UpdateStatus;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the orchestrator keeps between passes: the nodes (the reconcilers' input besides one
 * service's tasks), which services are global (every node change concerns them), which are in a
 * rolling update (their batches move with time, so they are looked at again on a timer), and the
 * dirty sets: services to reconcile, and nodes whose change may concern the services of their
 * tasks. Maintained from watch events; {@link #reset} rebuilds it from a full read.
 */
final class OrchestratorIndex {
  final Map<String, Node> nodes = new HashMap<>();
  final Set<String> globals = new HashSet<>();
  final Set<String> updating = new HashSet<>();
  final Set<String> dirtyServices = new LinkedHashSet<>();
  final Set<String> dirtyNodes = new LinkedHashSet<>();

  /** Full resync: every service, and the service of every task (an orphan's service is gone). */
  void reset(StoreView v) {
    nodes.clear();
    globals.clear();
    updating.clear();
    for (Node n : v.nodes()) nodes.put(n.getId(), n);
    for (Service s : v.services()) {
      track(s);
      dirtyServices.add(s.getId());
    }
    for (Task t : v.tasks()) dirtyServices.add(t.getServiceId());
  }

  void apply(StoreEvent e) {
    var o = e.object();
    if (o.hasService()) {
      String id = o.getService().getId();
      globals.remove(id);
      updating.remove(id);
      if (e.newObject() != null) track(e.newObject().getService());
      dirtyServices.add(id);
    } else if (o.hasNode()) {
      String id = o.getNode().getId();
      Node before = nodes.get(id);
      Node after = e.newObject() == null ? null : e.newObject().getNode();
      if (after == null) nodes.remove(id);
      else nodes.put(id, after);
      if (placementChanged(before, after)) {
        dirtyServices.addAll(globals);
        dirtyNodes.add(id);
      }
    } else if (o.hasTask() && taskChanged(e)) {
      dirtyServices.add(o.getTask().getServiceId());
    }
  }

  private void track(Service s) {
    if (s.getSpec().hasGlobal()) globals.add(s.getId());
    UpdateStatus.State st = s.getUpdateStatus().getState();
    if (st == UpdateStatus.State.UPDATING || st == UpdateStatus.State.ROLLBACK_STARTED) updating.add(s.getId());
  }

  /** Empties the dirty sets: the dirty services, with the services of tasks on dirty nodes. */
  Set<String> takeDirty(StoreView v, java.util.concurrent.atomic.AtomicLong visited) {
    Set<String> todo = new LinkedHashSet<>(dirtyServices);
    dirtyServices.clear();
    for (String n : dirtyNodes) {
      for (Task t : v.tasksByNode(n)) {
        visited.incrementAndGet();
        todo.add(t.getServiceId());
      }
    }
    dirtyNodes.clear();
    return todo;
  }

  /** The set of nodes whose tasks are moved away (down or drained). */
  Set<String> down() {
    Set<String> out = new HashSet<>();
    for (Node n : nodes.values()) if (isDown(n)) out.add(n.getId());
    return out;
  }

  static boolean isDown(Node n) {
    return n.getStatus().getState() == NodeStatus.State.DOWN || n.getSpec().getAvailability() == NodeSpec.Availability.DRAIN;
  }

  /**
   * Whether a node change can change any reconciler's decision: what the reconcilers read of a
   * node is its state, availability, and what constraints match (spec, description, role).
   * Heartbeat-only updates (the same status) change nothing.
   */
  static boolean placementChanged(Node a, Node b) {
    if (a == null || b == null) return a != b;
    return a.getStatus().getState() != b.getStatus().getState()
        || !a.getSpec().equals(b.getSpec())
        || !a.getDescription().equals(b.getDescription())
        || a.getRole() != b.getRole();
  }

  /** Creates, deletes, and changes of observed or desired state; not message or address updates. */
  static boolean taskChanged(StoreEvent e) {
    if (e.oldObject() == null || e.newObject() == null) return true;
    Task a = e.oldObject().getTask();
    Task b = e.newObject().getTask();
    return a.getStatus().getState() != b.getStatus().getState() || a.getDesiredState() != b.getDesiredState()
        || !a.getNodeId().equals(b.getNodeId());
  }

  /** The kept part (not the dirty sets), for comparing with a rebuild. */
  Object kept() {
    return List.of(Map.copyOf(nodes), Set.copyOf(globals), Set.copyOf(updating));
  }

  @Override
  public String toString() {
    return Objects.toString(kept());
  }
}
