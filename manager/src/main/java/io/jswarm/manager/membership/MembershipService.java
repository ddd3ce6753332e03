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
import io.jswarm.api.GetRootCaRequest;
import io.jswarm.api.GetRootCaResponse;
import io.jswarm.api.ManagerInfoRequest;
import io.jswarm.api.ManagerInfoResponse;
import io.jswarm.api.RenewCertificateRequest;
import io.jswarm.api.RenewCertificateResponse;
import io.jswarm.manager.Manager;
import io.jswarm.manager.ca.CertificateAuthority;
import io.jswarm.pki.CallerIdentity;
import io.jswarm.pki.PeerIdentity;
import io.jswarm.pki.Role;
import io.jswarm.store.RaftStore;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Membership (membership.proto): joining with a token, Raft membership for managers, leaving,
 * certificates. Calls about a node act on the caller's own id, taken from its certificate
 * ({@link CallerIdentity}); a request naming another node is refused.
 */
public final class MembershipService extends MembershipGrpc.MembershipImplBase {
  private final Supplier<Optional<Manager>> manager;
  private final Supplier<Optional<CertificateAuthority>> ca;
  private final Supplier<byte[]> clusterKey;
  private final Supplier<String> registryAddr;

  /**
   * @param ca this manager's CA, when it is a manager
   * @param clusterKey the key sealing the CA key, handed to managers joining the Raft group
   * @param registryAddr HOST:PORT of the registry this manager serves, or null
   */
  public MembershipService(Supplier<Optional<Manager>> manager, Supplier<Optional<CertificateAuthority>> ca,
      Supplier<byte[]> clusterKey, Supplier<String> registryAddr) {
    this.manager = manager;
    this.ca = ca;
    this.clusterKey = clusterKey;
    this.registryAddr = registryAddr;
  }

  private CertificateAuthority ca() throws StatusException {
    return ca.get().orElseThrow(() -> Status.UNAVAILABLE.withDescription("this node is not a swarm manager").asException());
  }

  /** The caller, from its certificate; refused when it names another node. */
  static PeerIdentity caller(String claimedNodeId) throws StatusException {
    PeerIdentity who = CallerIdentity.current().orElseThrow(() ->
        Status.UNAUTHENTICATED.withDescription("this call needs the caller's node certificate").asException());
    if (!claimedNodeId.isEmpty() && !claimedNodeId.equals(who.nodeId())) {
      throw Status.PERMISSION_DENIED.withDescription("node " + who.nodeId() + " may act only for itself, not for node "
          + claimedNodeId).asException();
    }
    return who;
  }

  static List<String> sans(String addr) {
    int colon = addr.lastIndexOf(':');
    String host = colon > 0 ? addr.substring(0, colon) : addr;
    return host.isEmpty() || host.equals("0.0.0.0") ? List.of() : List.of(host);
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
      if (req.getCsr().isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("the joining node sent no certificate request; upgrade it to this version").asException();
      }
      refuseIfRemoved(s, req.getNodeId());
      refuseIfActive(s, req.getNodeId());
      String cert = ca().issue(req.getCsr().toByteArray(), req.getNodeId(),
          role == NodeSpec.Role.MANAGER ? Role.MANAGER : Role.WORKER, sans(req.getAddr()));
      if (role == NodeSpec.Role.WORKER) {
        s.update(tx -> {
          Node.Builder n = tx.node(req.getNodeId()).map(Node::toBuilder).orElse(Node.newBuilder().setId(req.getNodeId()));
          n.setRole(NodeSpec.Role.WORKER).clearManagerStatus()
              .setSpec(n.getSpec().toBuilder().setName(req.getNodeName()).setDesiredRole(NodeSpec.Role.WORKER))
              .setDescription(req.getDescription())
              .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.UNKNOWN).setAddr(req.getAddr()));
          CertificateAuthority.stamp(n, tx.cluster().map(Cluster::getCaDigest).orElse(""), cert);
          if (tx.node(req.getNodeId()).isPresent()) tx.update(n.build());
          else tx.create(n.build());
        });
      }
      return response(s, role).toBuilder().setCertificatePem(cert).setTrustedRootsPem(ca().trustedRootsPem()).build();
    });
  }

  private static void refuseIfRemoved(RaftStore s, String nodeId) throws StatusException {
    if (s.read(v -> v.cluster().map(c -> c.getRemovedNodeIdsList().contains(nodeId)).orElse(false))) {
      throw Status.PERMISSION_DENIED.withDescription("node " + nodeId + " was removed from this swarm; "
          + "run \"jswarm swarm leave --force\" on it to get a new node id, then join again").asException();
    }
  }

  @Override
  public void getRootCa(GetRootCaRequest req, StreamObserver<GetRootCaResponse> out) {
    unary(out, () -> GetRootCaResponse.newBuilder().setRootCaPem(ca().rootPem()).setTrustedRootsPem(ca().trustedRootsPem()).build());
  }

  @Override
  public void renewCertificate(RenewCertificateRequest req, StreamObserver<RenewCertificateResponse> out) {
    unary(out, () -> {
      PeerIdentity who = caller("");
      RaftStore s = store();
      Optional<Node> n = s.read(v -> v.node(who.nodeId()));
      // the role the store wants for the node (a promotion or demotion shows up here); a manager
      // that has not finished joining the Raft group has no record yet and keeps its role
      Role role = n.map(x -> x.getSpec().getDesiredRole() == NodeSpec.Role.MANAGER ? Role.MANAGER : Role.WORKER)
          .orElse(who.role());
      if (who.role() == Role.ADMIN) throw Status.PERMISSION_DENIED.withDescription("admin certificates are issued with \"swarm ca --issue-client\"").asException();
      String digest = s.read(v -> v.cluster().map(Cluster::getCaDigest).orElse(""));
      String cert = ca().issue(req.getCsr().toByteArray(), who.nodeId(), role,
          sans(n.map(x -> x.getStatus().getAddr()).orElse("")));
      if (n.isPresent()) {
        s.update(tx -> tx.node(who.nodeId()).ifPresent(x -> tx.update(CertificateAuthority.stamp(x.toBuilder(), digest, cert).build())));
        ca().finishRotationIfDone();
      }
      return RenewCertificateResponse.newBuilder().setCertificatePem(cert).setTrustedRootsPem(ca().trustedRootsPem()).build();
    });
  }

  @Override
  public void managerInfo(ManagerInfoRequest req, StreamObserver<ManagerInfoResponse> out) {
    unary(out, () -> {
      String r = registryAddr.get();
      return ManagerInfoResponse.newBuilder().setRegistryAddr(r == null ? "" : r).build();
    });
  }

  @Override
  public void joinRaft(JoinRaftRequest req, StreamObserver<JoinResponse> out) {
    unary(out, () -> {
      PeerIdentity who = caller(req.getNodeId());
      if (who.role() != Role.MANAGER) {
        throw Status.PERMISSION_DENIED.withDescription("joining the Raft group needs a manager certificate; "
            + "a promoted node renews its certificate first").asException();
      }
      RaftStore s = store();
      refuseIfRemoved(s, req.getNodeId());
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
        if (n.getCertificateCaDigest().isEmpty()) {
          // joined with a manager token: its certificate came from Join, which keeps no record
          n.setCertificateCaDigest(tx.cluster().map(Cluster::getCaDigest).orElse(""));
        }
        if (tx.node(req.getNodeId()).isPresent()) tx.update(n.build());
        else tx.create(n.build());
      });
      byte[] key = clusterKey.get();
      return response(s, NodeSpec.Role.MANAGER).toBuilder().setTrustedRootsPem(ca().trustedRootsPem())
          .setClusterKey(ByteString.copyFrom(key == null ? new byte[0] : key)).build();
    });
  }

  @Override
  public void leave(LeaveRequest req, StreamObserver<LeaveResponse> out) {
    unary(out, () -> {
      caller(req.getNodeId());
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
