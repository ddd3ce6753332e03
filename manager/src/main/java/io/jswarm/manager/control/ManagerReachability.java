package io.jswarm.manager.control;

import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import java.util.List;
import java.util.Map;

/**
 * Managers' leader flag and reachability as Raft sees them now. This manager's own view wins
 * where it has one (the leader judges every member; a follower only itself and its leader); for
 * the rest the stored value stands, which the leader keeps current (ReachabilityKeeper). Before,
 * the stored value was written once at join, so a dead manager was shown as Reachable.
 */
final class ManagerReachability {
  private ManagerReachability() {}

  /**
   * @param leader the Raft id of the leader this manager knows ("" for none)
   * @param reachable what this manager can vouch for ({@code RaftStore.reachability()}); a
   *     member it cannot judge keeps the value the leader stored
   */
  static List<Node> apply(List<Node> nodes, String leader, Map<String, Boolean> reachable) {
    return nodes.stream().map(n -> {
      if (!n.hasManagerStatus()) return n;
      String id = n.getManagerStatus().getRaftId();
      Boolean r = reachable.get(id);
      ManagerStatus.Reachability shown = r == null ? n.getManagerStatus().getReachability()
          : r ? ManagerStatus.Reachability.REACHABLE : ManagerStatus.Reachability.UNREACHABLE;
      return n.toBuilder().setManagerStatus(n.getManagerStatus().toBuilder()
          .setLeader(!id.isEmpty() && id.equals(leader)).setReachability(shown)).build();
    }).toList();
  }
}
