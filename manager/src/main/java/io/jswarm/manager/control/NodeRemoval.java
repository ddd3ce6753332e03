package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;

/**
 * When {@code node rm} may remove a node. A manager still in the Raft group is refused unless
 * forced (Docker's rule and message): removing a voter silently shrinks the group, and with it the
 * number of failures the swarm survives; demote it first and it leaves the group cleanly. A node
 * that is not down is refused unless forced, as in Docker.
 */
final class NodeRemoval {
  private NodeRemoval() {}

  static void check(Node n, boolean raftMember, boolean force) throws StatusException {
    boolean manager = raftMember || n.getRole() == NodeSpec.Role.MANAGER
        || n.getSpec().getDesiredRole() == NodeSpec.Role.MANAGER;
    if (manager && !force) {
      throw Status.FAILED_PRECONDITION.withDescription("node " + n.getId() + " is a cluster manager and is a member of the"
          + " raft cluster. It must be demoted to worker before removal (jswarm node demote " + n.getSpec().getName()
          + "), or removed with --force").asException();
    }
    if (n.getStatus().getState() != NodeStatus.State.DOWN && !force) {
      throw Status.FAILED_PRECONDITION.withDescription("node " + n.getSpec().getName()
          + " is not down and can't be removed; stop it first, or use --force").asException();
    }
  }
}
