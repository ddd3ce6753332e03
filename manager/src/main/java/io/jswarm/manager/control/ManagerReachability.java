package io.jswarm.manager.control;

import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import java.util.List;
import java.util.Map;

/**
 * Managers' leader flag and reachability as Raft sees them now, in place of what their stored
 * record says: the record is written at join ("Reachable") and never follows the manager's
 * health, so a dead manager was shown as Reachable.
 */
final class ManagerReachability {
  private ManagerReachability() {}

  /**
   * @param leader the Raft id of the leader this manager knows ("" for none)
   * @param reachable what this manager can vouch for ({@code RaftStore.reachability()}); a
   *     member it cannot judge is shown UNKNOWN
   */
  static List<Node> apply(List<Node> nodes, String leader, Map<String, Boolean> reachable) {
    return nodes.stream().map(n -> {
      if (!n.hasManagerStatus()) return n;
      String id = n.getManagerStatus().getRaftId();
      Boolean r = reachable.get(id);
      ManagerStatus.Reachability shown = r == null ? ManagerStatus.Reachability.UNKNOWN
          : r ? ManagerStatus.Reachability.REACHABLE : ManagerStatus.Reachability.UNREACHABLE;
      return n.toBuilder().setManagerStatus(n.getManagerStatus().toBuilder()
          .setLeader(!id.isEmpty() && id.equals(leader)).setReachability(shown)).build();
    }).toList();
  }
}
