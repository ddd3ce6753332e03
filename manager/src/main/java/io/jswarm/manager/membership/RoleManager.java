package io.jswarm.manager.membership;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.manager.WatchLoop;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import java.util.List;

/**
 * Carries out demotions: a node whose desired role is worker but which is still a manager is
 * taken out of the Raft group, then recorded as a worker; the node hears it through its session
 * and stops its Raft member. Promotions are driven by the promoted node itself (JoinRaft),
 * because its Raft member must run before the group can add it.
 */
public final class RoleManager extends WatchLoop {
  public RoleManager(RaftStore store) {
    super(store, "role-manager");
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    return e.object().hasNode();
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    List<Node> demotions = store.read(v -> v.nodes().stream()
        .filter(n -> n.getRole() == NodeSpec.Role.MANAGER && n.getSpec().getDesiredRole() == NodeSpec.Role.WORKER)
        .toList());
    for (Node n : demotions) {
      MembershipService.removeManager(store, n.getId());
      if (!store.isLeader()) return; // handed leadership away: the new leader finishes the job
      store.update(tx -> tx.node(n.getId()).ifPresent(cur -> tx.update(cur.toBuilder()
          .setRole(NodeSpec.Role.WORKER).clearManagerStatus().build())));
    }
  }
}
