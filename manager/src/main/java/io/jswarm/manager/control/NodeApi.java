package io.jswarm.manager.control;

import io.grpc.Status;
import io.jswarm.api.GetNodeRequest;
import io.jswarm.api.ListNodesResponse;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.RemoveNodeRequest;
import io.jswarm.api.RemoveNodeResponse;
import io.jswarm.api.UpdateNodeRequest;
import io.jswarm.manager.membership.MembershipService;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreView;
import java.util.List;

/** Nodes: list, inspect, update (availability, labels, role), remove. */
final class NodeApi {
  private final ControlContext ctx;

  NodeApi(ControlContext ctx) {
    this.ctx = ctx;
  }

  ListNodesResponse list() throws Exception {
    return ListNodesResponse.newBuilder().addAllNodes(ctx.withLeader(ctx.readStore().read(StoreView::nodes))).build();
  }

  Node get(GetNodeRequest req) throws Exception {
    List<Node> nodes = ctx.withLeader(ctx.readStore().read(StoreView::nodes));
    return Refs.resolve("node", req.getRef(), nodes, Node::getId, n -> n.getSpec().getName());
  }

  Node update(UpdateNodeRequest req) throws Exception {
    RaftStore s = ctx.store();
    Node n = Refs.resolve("node", req.getNodeRef(), s.read(StoreView::nodes), Node::getId, x -> x.getSpec().getName());
    if (n.getMeta().getVersion() != req.getVersion()) {
      throw Status.ABORTED.withDescription("update out of sequence: node " + n.getSpec().getName() + " changed meanwhile; run the command again").asException();
    }
    NodeSpec spec = req.getSpec();
    if (!spec.getName().equals(n.getSpec().getName())) {
      throw Status.INVALID_ARGUMENT.withDescription("a node's name cannot be changed").asException();
    }
    for (String k : spec.getLabelsMap().keySet()) {
      if (k.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription("label keys must not be empty").asException();
    }
    boolean demote = spec.getDesiredRole() == NodeSpec.Role.WORKER && n.getSpec().getDesiredRole() == NodeSpec.Role.MANAGER;
    s.update(tx -> {
      if (demote) {
        // Counted inside the transaction: listing the nodes records their versions, so two
        // demotions racing each other cannot both commit and leave the swarm without a manager.
        long managers = tx.nodes().stream().filter(x -> x.getSpec().getDesiredRole() == NodeSpec.Role.MANAGER).count();
        if (managers <= 1) {
          throw Status.FAILED_PRECONDITION.withDescription("node " + n.getSpec().getName()
              + " is the last manager of the swarm and cannot be demoted; promote another node first").asRuntimeException();
        }
      }
      tx.update(n.toBuilder().setSpec(spec).build());
    });
    return s.read(v -> v.node(n.getId())).orElseThrow();
  }

  RemoveNodeResponse remove(RemoveNodeRequest req) throws Exception {
    RaftStore s = ctx.store();
    Node n = Refs.resolve("node", req.getRef(), s.read(StoreView::nodes), Node::getId, x -> x.getSpec().getName());
    String raftId = n.hasManagerStatus() && !n.getManagerStatus().getRaftId().isEmpty() ? n.getManagerStatus().getRaftId() : n.getId();
    boolean raftMember = s.members().stream().anyMatch(m -> m.id().equals(raftId));
    NodeRemoval.check(n, raftMember, req.getForce());
    if (n.getRole() == NodeSpec.Role.MANAGER || raftMember) {
      MembershipService.removeManager(s, n.getId());
    }
    // the node's certificate is refused from now on, on every manager (AuthorizingInterceptor)
    s.update(tx -> {
      tx.node(n.getId()).ifPresent(tx::delete);
      tx.cluster().filter(c -> !c.getRemovedNodeIdsList().contains(n.getId()))
          .ifPresent(c -> tx.update(c.toBuilder().addRemovedNodeIds(n.getId()).build()));
    });
    return RemoveNodeResponse.getDefaultInstance();
  }
}
