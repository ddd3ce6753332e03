package io.jswarm.manager.scheduler;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.PlacementPreference;
import io.jswarm.api.Resources;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Placement as a pure function of (nodes, tasks) → task id → node id. The algorithm is
 * described in manager/docs/scheduler.md.
 *
 * <p>Pending tasks are placed group by group (one group = one service spec version, so one
 * placement spec). For a group, the static filters (ready, active, node constraints) run once per
 * node; the nodes that pass sit in a tree of spread-preference values whose leaves are heaps
 * ordered by (tasks of the service, tasks overall, node id). Each task walks the tree to the
 * least-loaded value and pops the best node, which is then checked against the dynamic filters
 * (reservations, max replicas per node, service constraints); a node that fails one is dropped
 * for the rest of the group, since placements only ever make those filters stricter. A task that
 * finds no node is left pending with a reason naming each filter and how many nodes it excluded.
 * Ties break on ids, so the result is deterministic for the same input.
 */
public final class Scheduler {
  private Scheduler() {}

  public record Result(Map<String, String> placements, Map<String, String> unplaced) {}

  /** Per-node state over the whole pass. */
  static final class NodeState {
    final Node node;
    long freeCpu;
    long freeMem;
    int total;
    final Map<String, Integer> perService = new HashMap<>();     // service id → live tasks
    final Map<String, Integer> perServiceName = new HashMap<>(); // service name → live tasks
    final java.util.Set<String> hostPorts = new java.util.HashSet<>(); // "tcp/8080" held by live tasks

    NodeState(Node node) {
      this.node = node;
      Resources r = node.getDescription().getResources();
      this.freeCpu = r.getNanoCpus();
      this.freeMem = r.getMemoryBytes();
    }

    /** The node with the load its live tasks already put on it (copied: the pass adds to it). */
    NodeState(Node node, NodeLoad load) {
      this(node);
      if (load == null) return;
      freeCpu -= load.cpu;
      freeMem -= load.mem;
      total = load.total;
      perService.putAll(load.perService);
      perServiceName.putAll(load.perServiceName);
      hostPorts.addAll(load.hostPorts.keySet());
    }

    int of(String serviceId) {
      return perService.getOrDefault(serviceId, 0);
    }

    void add(Task t, Resources res) {
      total++;
      perService.merge(t.getServiceId(), 1, Integer::sum);
      perServiceName.merge(t.getServiceName(), 1, Integer::sum);
      hostPorts.addAll(hostPortsOf(t));
      freeCpu -= res.getNanoCpus();
      freeMem -= res.getMemoryBytes();
    }
  }

  /**
   * @param nodes every node of the cluster
   * @param tasks every task; those PENDING with desired RUNNING are placed (on the node they
   *     name, for a global service's task, else on one chosen here), the others count as load
   *     on their node while they are not finished
   */
  public static Result schedule(List<Node> nodes, List<Task> tasks) {
    Map<String, NodeLoad> loads = new HashMap<>();
    List<Task> pending = new ArrayList<>();
    for (Task t : tasks) {
      if (isPending(t)) pending.add(t);
      else if (isLoad(t)) loads.computeIfAbsent(t.getNodeId(), k -> new NodeLoad()).add(t, 1);
    }
    return schedule(nodes, loads, pending);
  }

  /**
   * The same placement from the load already on each node (kept incrementally by the scheduler
   * component) and the pending tasks only.
   *
   * @param loads node id → what its live tasks take (absent: nothing)
   * @param pending tasks PENDING with desired RUNNING
   */
  static Result schedule(List<Node> nodes, Map<String, NodeLoad> loads, List<Task> pending) {
    Map<String, NodeState> byId = new HashMap<>();
    List<NodeState> all = new ArrayList<>();
    for (Node n : nodes) {
      NodeState s = new NodeState(n, loads.get(n.getId()));
      byId.put(n.getId(), s);
      all.add(s);
    }
    all.sort(Comparator.comparing(s -> s.node.getId()));
    Map<String, List<Task>> groups = new TreeMap<>();
    List<Task> pinned = new ArrayList<>();
    for (Task t : pending) {
      if (t.getNodeId().isEmpty()) {
        groups.computeIfAbsent(t.getServiceId() + "/" + t.getSpecVersion(), k -> new ArrayList<>()).add(t);
      } else {
        pinned.add(t);
      }
    }
    Map<String, String> placed = new LinkedHashMap<>();
    Map<String, String> unplaced = new LinkedHashMap<>();
    pinned.sort(Comparator.comparing(Task::getId));
    for (Task t : pinned) {
      NodeState s = byId.get(t.getNodeId());
      Filters f = new Filters(t);
      Reasons why = new Reasons();
      if (s == null) {
        unplaced.put(t.getId(), "node " + t.getNodeId() + " is not part of the swarm");
      } else if (f.passesStatic(s.node, why) && f.passesDynamic(s, t.getServiceId(), why)) {
        placed.put(t.getId(), s.node.getId());
        s.add(t, f.reservations);
      } else {
        unplaced.put(t.getId(), why.describe(1));
      }
    }
    List<List<Task>> ordered = new ArrayList<>(groups.values());
    for (List<Task> g : ordered) g.sort(Comparator.comparing(Task::getId));
    ordered.sort(Comparator.comparing((List<Task> g) -> g.get(0).getId()));
    for (List<Task> g : ordered) placeGroup(g, all, placed, unplaced);
    return new Result(placed, unplaced);
  }

  private static void placeGroup(List<Task> group, List<NodeState> all, Map<String, String> placed,
      Map<String, String> unplaced) {
    Task first = group.get(0);
    String serviceId = first.getServiceId();
    Filters f = new Filters(first);
    Reasons why = new Reasons();
    SpreadTree tree = new SpreadTree(f.spread, serviceId);
    for (NodeState s : all) {
      if (f.passesStatic(s.node, why)) tree.add(s);
    }
    for (Task t : group) {
      NodeState chosen = null;
      while (chosen == null) {
        SpreadTree.Leaf leaf = tree.pick();
        if (leaf == null) break;
        NodeState s = leaf.heap.poll();
        if (f.passesDynamic(s, serviceId, why)) chosen = s;
        else tree.removed(leaf, s);
      }
      if (chosen == null) {
        unplaced.put(t.getId(), why.describe(all.size()));
        continue;
      }
      placed.put(t.getId(), chosen.node.getId());
      chosen.add(t, f.reservations);
      tree.placed(chosen);
    }
  }

  /** PENDING with desired RUNNING: waiting for the scheduler. */
  public static boolean isPending(Task t) {
    return t.getDesiredState() == TaskState.RUNNING && t.getStatus().getState() == TaskState.PENDING;
  }

  /** A task that holds its node's resources and counts towards spread. */
  static boolean isLoad(Task t) {
    return !t.getNodeId().isEmpty() && !TaskStates.isTerminal(t.getStatus().getState())
        && t.getStatus().getState().getNumber() >= TaskState.ASSIGNED.getNumber()
        && t.getDesiredState().getNumber() <= TaskState.RUNNING.getNumber();
  }

  /** The fixed host-mode ports a task publishes on its node ("tcp/8080"). */
  static java.util.Set<String> hostPortsOf(Task t) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (io.jswarm.api.PortConfig p : t.getPortsList()) {
      if (p.getPublishedPort() != 0) out.add(p.getProtocol().name().toLowerCase() + "/" + p.getPublishedPort());
    }
    return out;
  }

  static Resources reservations(TaskSpec spec) {
    return spec.getResources().getReservations();
  }

  /** The filters of one placement spec, in the order their reasons are reported. */
  static final class Filters {
    final List<Constraint> nodeConstraints = new ArrayList<>();
    final List<Constraint> serviceConstraints = new ArrayList<>();
    final List<String> spread = new ArrayList<>();
    final long maxReplicas;
    final Resources reservations;
    final java.util.Set<String> hostPorts;

    Filters(Task t) {
      this(t.getSpec(), hostPortsOf(t));
    }

    Filters(TaskSpec spec) {
      this(spec, java.util.Set.of());
    }

    Filters(TaskSpec spec, java.util.Set<String> hostPorts) {
      this.hostPorts = hostPorts;
      for (String c : spec.getPlacement().getConstraintsList()) {
        Constraint k;
        try {
          k = Constraint.parse(c);
        } catch (IllegalArgumentException e) {
          k = null; // validated at create; an unparsable one written by an old version never matches
        }
        if (k == null) nodeConstraints.add(new Constraint("invalid", true, c));
        else if (k.isService()) serviceConstraints.add(k);
        else nodeConstraints.add(k);
      }
      for (PlacementPreference p : spec.getPlacement().getPreferencesList()) spread.add(p.getSpread());
      maxReplicas = spec.getPlacement().getMaxReplicas();
      reservations = reservations(spec);
    }

    boolean passesStatic(Node n, Reasons why) {
      if (n.getStatus().getState() != NodeStatus.State.READY) return why.no("not ready");
      if (n.getSpec().getAvailability() != NodeSpec.Availability.ACTIVE) return why.no("not available for new tasks");
      for (Constraint c : nodeConstraints) {
        if (!c.matches(n)) return why.no("not matching constraint " + c.key() + (c.equal() ? "==" : "!=") + c.value());
      }
      return true;
    }

    boolean passesDynamic(NodeState s, String serviceId, Reasons why) {
      if (reservations.getNanoCpus() > s.freeCpu) return why.no("with insufficient cpu");
      if (reservations.getMemoryBytes() > s.freeMem) return why.no("with insufficient memory");
      if (maxReplicas > 0 && s.of(serviceId) >= maxReplicas) return why.no("at max replicas per node (" + maxReplicas + ")");
      for (String p : hostPorts) {
        if (s.hostPorts.contains(p)) return why.no("with host port " + p + " in use");
      }
      for (Constraint c : serviceConstraints) {
        if (!c.matchesServiceCount(s.perServiceName.getOrDefault(c.value(), 0))) {
          return why.no("violating constraint " + c);
        }
      }
      return true;
    }
  }

  /** How many nodes each filter excluded, in first-seen order. */
  static final class Reasons {
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    boolean no(String reason) {
      counts.merge(reason, 1, Integer::sum);
      return false;
    }

    String describe(int nodes) {
      if (nodes == 0) return "no suitable node (no nodes)";
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        parts.add(e.getValue() + " node" + (e.getValue() > 1 ? "s " : " ") + e.getKey());
      }
      return "no suitable node (" + String.join("; ", parts) + ")";
    }
  }
}
