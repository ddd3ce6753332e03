package io.jswarm.manager.scheduler;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Placement as a pure function of (nodes, tasks) → task id → node id.
 *
 * <p>Filter: a node must be READY and ACTIVE. Rank: spread — the node with the fewest tasks of
 * the same service, then the fewest tasks overall, then the smallest id (so the result is
 * deterministic for the same input). Tasks that find no node stay pending with a reason.
 */
public final class Scheduler {
  private Scheduler() {}

  public record Result(Map<String, String> placements, Map<String, String> unplaced) {}

  /**
   * @param nodes every node of the cluster
   * @param tasks every task; those PENDING with desired RUNNING and no node are placed, the
   *     others count as load on their node while they are not finished
   */
  public static Result schedule(List<Node> nodes, List<Task> tasks) {
    List<Node> ready = new ArrayList<>();
    int notReady = 0;
    int notActive = 0;
    for (Node n : nodes) {
      if (n.getStatus().getState() != NodeStatus.State.READY) notReady++;
      else if (n.getSpec().getAvailability() != NodeSpec.Availability.ACTIVE) notActive++;
      else ready.add(n);
    }
    ready.sort((a, b) -> a.getId().compareTo(b.getId()));
    Map<String, Integer> total = new HashMap<>();
    Map<String, Map<String, Integer>> perService = new HashMap<>();
    List<Task> pending = new ArrayList<>();
    for (Task t : tasks) {
      if (isPending(t)) {
        pending.add(t);
      } else if (!t.getNodeId().isEmpty() && !TaskStates.isTerminal(t.getStatus().getState())
          && t.getDesiredState().getNumber() <= TaskState.RUNNING.getNumber()) {
        total.merge(t.getNodeId(), 1, Integer::sum);
        perService.computeIfAbsent(t.getServiceId(), k -> new HashMap<>()).merge(t.getNodeId(), 1, Integer::sum);
      }
    }
    Map<String, String> placed = new LinkedHashMap<>();
    Map<String, String> unplaced = new LinkedHashMap<>();
    pending.sort((a, b) -> a.getId().compareTo(b.getId()));
    for (Task t : pending) {
      if (ready.isEmpty()) {
        unplaced.put(t.getId(), noNodeReason(nodes.size(), notReady, notActive));
        continue;
      }
      Map<String, Integer> svc = perService.computeIfAbsent(t.getServiceId(), k -> new HashMap<>());
      Node best = null;
      for (Node n : ready) {
        if (best == null || compare(n, best, svc, total) < 0) best = n;
      }
      placed.put(t.getId(), best.getId());
      svc.merge(best.getId(), 1, Integer::sum);
      total.merge(best.getId(), 1, Integer::sum);
    }
    return new Result(placed, unplaced);
  }

  public static boolean isPending(Task t) {
    return t.getNodeId().isEmpty()
        && t.getDesiredState() == TaskState.RUNNING
        && t.getStatus().getState() == TaskState.PENDING;
  }

  private static int compare(Node a, Node b, Map<String, Integer> svc, Map<String, Integer> total) {
    int c = Integer.compare(svc.getOrDefault(a.getId(), 0), svc.getOrDefault(b.getId(), 0));
    if (c != 0) return c;
    c = Integer.compare(total.getOrDefault(a.getId(), 0), total.getOrDefault(b.getId(), 0));
    return c != 0 ? c : a.getId().compareTo(b.getId());
  }

  static String noNodeReason(int nodes, int notReady, int notActive) {
    StringBuilder sb = new StringBuilder("no suitable node (");
    if (nodes == 0) return sb.append("no nodes)").toString();
    List<String> parts = new ArrayList<>();
    if (notReady > 0) parts.add(notReady + " node" + (notReady > 1 ? "s" : "") + " not ready");
    if (notActive > 0) parts.add(notActive + " node" + (notActive > 1 ? "s" : "") + " not available for new tasks");
    return sb.append(String.join("; ", parts)).append(')').toString();
  }
}
