package io.jswarm.manager.membership;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.Cluster;
import io.jswarm.api.JoinRaftRequest;
import io.jswarm.api.JoinRequest;
import io.jswarm.api.JoinResponse;
import io.jswarm.api.LeaveRequest;
import io.jswarm.api.LeaveResponse;
import io.jswarm.api.ManagerStatus;
import io.jswarm.api.MembershipGrpc;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.manager.Manager;
import io.jswarm.store.RaftStore;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Membership (membership.proto): joining with a token, Raft membership for managers, leaving. */
public final class MembershipService extends MembershipGrpc.MembershipImplBase {
  private final Supplier<Optional<Manager>> manager;

  public MembershipService(Supplier<Optional<Manager>> manager) {
    this.manager = manager;
  }

  private RaftStore store() throws StatusException {
    return manager.get().orElseThrow(() -> Status.UNAVAILABLE
        .withDescription("this node is not a swarm manager").asException()).store();
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> void unary(StreamObserver<T> out, Call<T> c) {
    T r;
    try {
      r = c.run();
    } catch (StatusException e) {
      out.onError(e);
      return;
    } catch (io.grpc.StatusRuntimeException e) {
      out.onError(e);
      return;
    } catch (io.jswarm.store.UnavailableException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asException());
      return;
    } catch (Exception e) {
      out.onError(Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asException());
      return;
    }
    out.onNext(r);
    out.onCompleted();
  }

  /** Which role a token grants, or PERMISSION_DENIED saying why not. */
  static NodeSpec.Role roleOf(Cluster c, String token) throws StatusException {
    var parsed = JoinTokens.parse(token);
    if (parsed.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("invalid join token: expected SWMTKN-1-<digest>-<secret>").asException();
    }
    if (!JoinTokens.matches(parsed.get().caDigest(), c.getCaDigest())) {
      throw Status.PERMISSION_DENIED.withDescription("invalid join token: it belongs to another swarm").asException();
    }
    if (JoinTokens.matches(token, c.getManagerJoinToken())) return NodeSpec.Role.MANAGER;
    if (JoinTokens.matches(token, c.getWorkerJoinToken())) return NodeSpec.Role.WORKER;
    throw Status.PERMISSION_DENIED.withDescription("invalid join token: it was rotated or never issued; "
        + "ask a manager for the current one with \"jswarm swarm join-token\"").asException();
  }

  private static Cluster cluster(RaftStore s) throws StatusException {
    return s.read(v -> v.cluster()).orElseThrow(() ->
        Status.UNAVAILABLE.withDescription("the swarm is not initialized yet").asException());
  }

  private static JoinResponse response(RaftStore s, NodeSpec.Role role) {
    return s.read(v -> JoinResponse.newBuilder().setRole(role)
        .setClusterId(v.cluster().map(Cluster::getId).orElse(""))
        .setRegistrySecret(v.cluster().map(Cluster::getRegistrySecret).orElse(""))
        .addAllManagerAddrs(Managers.addrs(v)).build());
  }

  private static void refuseIfActive(RaftStore s, String nodeId) throws StatusException {
    Optional<Node> existing = s.read(v -> v.node(nodeId));
    if (existing.isPresent() && existing.get().getStatus().getState() != NodeStatus.State.DOWN) {
      throw Status.ALREADY_EXISTS.withDescription("node " + nodeId + " is already part of this swarm").asException();
    }
  }

  @Override
  public void join(JoinRequest req, StreamObserver<JoinResponse> out) {
    unary(out, () -> {
      RaftStore s = store();
      NodeSpec.Role role = roleOf(cluster(s), req.getToken());
      if (req.getNodeId().isEmpty()) throw Status.INVALID_ARGUMENT.withDescription("node id is required").asException();
      refuseIfActive(s, req.getNodeId());
      if (role == NodeSpec.Role.WORKER) {
        s.update(tx -> {
          Node.Builder n = tx.node(req.getNodeId()).map(Node::toBuilder).orElse(Node.newBuilder().setId(req.getNodeId()));
          n.setRole(NodeSpec.Role.WORKER).clearManagerStatus()
              .setSpec(n.getSpec().toBuilder().setName(req.getNodeName()).setDesiredRole(NodeSpec.Role.WORKER))
              .setDescription(req.getDescription())
              .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.UNKNOWN).setAddr(req.getAddr()));
          if (tx.node(req.getNodeId()).isPresent()) tx.update(n.build());
          else tx.create(n.build());
        });
      }
      return response(s, role);
    });
  }

  @Override
  public void joinRaft(JoinRaftRequest req, StreamObserver<JoinResponse> out) {
    unary(out, () -> {
      RaftStore s = store();
      Optional<Node> existing = s.read(v -> v.node(req.getNodeId()));
      boolean promoted = existing.isPresent() && existing.get().getSpec().getDesiredRole() == NodeSpec.Role.MANAGER;
      if (!promoted) {
        if (roleOf(cluster(s), req.getToken()) != NodeSpec.Role.MANAGER) {
          throw Status.PERMISSION_DENIED.withDescription("a worker token cannot add a manager").asException();
        }
        refuseIfActive(s, req.getNodeId());
      }
      boolean member = s.members().stream().anyMatch(m -> m.id().equals(req.getNodeId()));
      if (!member) s.addMember(req.getNodeId(), req.getRaftAddr());
      s.update(tx -> {
        Node.Builder n = tx.node(req.getNodeId()).map(Node::toBuilder).orElse(Node.newBuilder().setId(req.getNodeId()));
        n.setRole(NodeSpec.Role.MANAGER)
            .setSpec(n.getSpec().toBuilder().setName(req.getNodeName()).setDesiredRole(NodeSpec.Role.MANAGER))
            .setDescription(req.getDescription())
            .setManagerStatus(ManagerStatus.newBuilder().setRaftId(req.getNodeId()).setAddr(req.getAddr())
                .setRaftAddr(req.getRaftAddr()).setReachability(ManagerStatus.Reachability.REACHABLE));
        if (!n.hasStatus() || n.getStatus().getState() == NodeStatus.State.DOWN) {
          n.setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.UNKNOWN).setAddr(req.getAddr()));
        }
        if (tx.node(req.getNodeId()).isPresent()) tx.update(n.build());
        else tx.create(n.build());
      });
      return response(s, NodeSpec.Role.MANAGER);
    });
  }

  @Override
  public void leave(LeaveRequest req, StreamObserver<LeaveResponse> out) {
    unary(out, () -> {
      RaftStore s = store();
      Node n = s.read(v -> v.node(req.getNodeId())).orElseThrow(() ->
          Status.NOT_FOUND.withDescription("node " + req.getNodeId() + " is not part of this swarm").asException());
      if (Managers.isManager(n)) {
        removeManager(s, n.getId());
      }
      s.update(tx -> tx.node(n.getId()).ifPresent(cur -> tx.update(cur.toBuilder()
          .setRole(NodeSpec.Role.WORKER).clearManagerStatus()
          .setSpec(cur.getSpec().toBuilder().setDesiredRole(NodeSpec.Role.WORKER))
          .setStatus(cur.getStatus().toBuilder().setState(NodeStatus.State.DOWN).setMessage("node left the swarm"))
          .build())));
      return LeaveResponse.getDefaultInstance();
    });
  }

  /**
   * Takes a manager out of the Raft group: refused for the last one; a leader hands leadership
   * to another member first, so the group never waits out an election for it.
   */
  public static void removeManager(RaftStore s, String nodeId) throws Exception {
    var members = s.members();
    if (members.stream().noneMatch(m -> m.id().equals(nodeId))) return;
    if (members.size() <= 1) {
      throw Status.FAILED_PRECONDITION.withDescription("node " + nodeId
          + " is the last manager of the swarm; removing it would lose the cluster state").asException();
    }
    if (s.leaderId().map(nodeId::equals).orElse(false)) {
      String other = members.stream().map(m -> m.id()).filter(id -> !id.equals(nodeId)).findFirst().orElseThrow();
      s.transferLeadership(other, Duration.ofSeconds(10));
    }
    s.removeMember(nodeId);
  }
}
