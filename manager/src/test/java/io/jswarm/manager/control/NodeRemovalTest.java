package io.jswarm.manager.control;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import org.junit.jupiter.api.Test;

class NodeRemovalTest {
  static Node node(NodeSpec.Role role, NodeStatus.State state) {
    return Node.newBuilder().setId("abc123").setRole(role)
        .setSpec(NodeSpec.newBuilder().setName("h2").setDesiredRole(role))
        .setStatus(NodeStatus.newBuilder().setState(state)).build();
  }

  @Test
  void aDownManagerMustBeDemotedFirstOrForced() throws Exception {
    StatusException e = assertThrows(StatusException.class,
        () -> NodeRemoval.check(node(NodeSpec.Role.MANAGER, NodeStatus.State.DOWN), true, false));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("node abc123 is a cluster manager and is a member of the raft cluster."
        + " It must be demoted to worker before removal"), e.getStatus().getDescription());
    assertTrue(e.getStatus().getDescription().contains("--force"));
    NodeRemoval.check(node(NodeSpec.Role.MANAGER, NodeStatus.State.DOWN), true, true);
  }

  @Test
  void aNodeStillInTheRaftGroupCountsAsAManagerWhateverItsRecordSays() {
    // demoted, but its removal from the group has not happened yet
    assertThrows(StatusException.class, () -> NodeRemoval.check(node(NodeSpec.Role.WORKER, NodeStatus.State.DOWN), true, false));
  }

  @Test
  void aDownWorkerIsRemovedAndALiveOneNeedsForce() throws Exception {
    NodeRemoval.check(node(NodeSpec.Role.WORKER, NodeStatus.State.DOWN), false, false);
    StatusException e = assertThrows(StatusException.class,
        () -> NodeRemoval.check(node(NodeSpec.Role.WORKER, NodeStatus.State.READY), false, false));
    assertEquals("node h2 is not down and can't be removed; stop it first, or use --force", e.getStatus().getDescription());
    NodeRemoval.check(node(NodeSpec.Role.WORKER, NodeStatus.State.READY), false, true);
  }
}
