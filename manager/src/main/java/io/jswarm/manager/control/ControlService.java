package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.CreateServiceRequest;
import io.jswarm.api.GetNodeRequest;
import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.InfoRequest;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.InitSwarmRequest;
import io.jswarm.api.InitSwarmResponse;
import io.jswarm.api.ListNodesRequest;
import io.jswarm.api.ListNodesResponse;
import io.jswarm.api.ListServicesRequest;
import io.jswarm.api.ListServicesResponse;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.ListTasksResponse;
import io.jswarm.api.LogLine;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.RemoveServiceRequest;
import io.jswarm.api.RemoveServiceResponse;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceLogsRequest;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.RollbackServiceRequest;
import io.jswarm.api.SpecRevision;
import io.jswarm.api.UpdateServiceRequest;
import io.jswarm.api.UpdateStatus;
import io.jswarm.manager.orchestrator.ServiceHistory;
import io.jswarm.manager.network.Networks;
import io.jswarm.manager.network.ServiceEndpoints;
import io.jswarm.api.CreateNetworkRequest;
import io.jswarm.api.GetNetworkRequest;
import io.jswarm.api.ListNetworksRequest;
import io.jswarm.api.ListNetworksResponse;
import io.jswarm.api.Network;
import io.jswarm.api.RemoveNetworkRequest;
import io.jswarm.api.RemoveNetworkResponse;
import io.jswarm.manager.Ids;
import io.jswarm.manager.Manager;
import io.jswarm.manager.SwarmNode;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Control API (control.proto) over the store. Validation first; nothing is written on bad input. */
public final class ControlService extends ControlGrpc.ControlImplBase {
  private final SwarmNode node;
  private final LogFanIn logs;

  public ControlService(SwarmNode node) {
    this.node = node;
    this.logs = new LogFanIn(node::dialNode);
  }

  private Manager manager() throws StatusException {
    return node.manager().orElseThrow(() -> Status.FAILED_PRECONDITION
        .withDescription("This node is not a swarm manager. Use \"jswarm swarm init\" to make it one.")
        .asException());
  }

  private RaftStore store() throws StatusException {
    return manager().store();
  }

  /**
   * The store, ready for a linearizable read (ReadIndex through the leader). When that cannot be
   * confirmed, a --consistent call is refused and any other is served from this manager's copy,
   * marked stale (StaleReadInterceptor).
   */
  private RaftStore readStore() throws StatusException {
    return StaleReadInterceptor.prepareRead(store(), READ_SYNC_TIMEOUT);
  }

  private static final java.time.Duration READ_SYNC_TIMEOUT = java.time.Duration.ofSeconds(1);

  @Override
  public void initSwarm(InitSwarmRequest req, StreamObserver<InitSwarmResponse> out) {
    Errors.unary(out, () -> node.init(req));
  }

  @Override
  public void info(InfoRequest req, StreamObserver<InfoResponse> out) {
    Errors.unary(out, () -> {
      InfoResponse.Builder b = node.localInfo();
      var m = node.manager();
      if (m.isPresent()) {
        RaftStore s = m.get().store();
        b.setIsManager(true).setSwarmActive(true);
        s.read(v -> {
          b.setNodes(v.nodes().size());
          b.setManagers((int) v.nodes().stream().filter(n -> n.getRole() == NodeSpec.Role.MANAGER).count());
          v.cluster().ifPresent(c -> b.setClusterId(c.getId()).setCluster(c.toBuilder().clearRegistrySecret().clearRootCaKeySealed()));
          return null;
        });
        s.leaderId().ifPresent(b::setLeaderNodeId);
      }
      return b.build();
    });
  }

  @Override
  public void listNodes(ListNodesRequest req, StreamObserver<ListNodesResponse> out) {
    Errors.unary(out, () -> ListNodesResponse.newBuilder().addAllNodes(withLeader(readStore().read(StoreView::nodes))).build());
  }

  @Override
  public void getNode(GetNodeRequest req, StreamObserver<Node> out) {
    Errors.unary(out, () -> {
      List<Node> nodes = withLeader(readStore().read(StoreView::nodes));
      return Refs.resolve("node", req.getRef(), nodes, Node::getId, n -> n.getSpec().getName());
    });
  }

  @Override
  public void joinSwarm(io.jswarm.api.JoinSwarmRequest req, StreamObserver<io.jswarm.api.JoinSwarmResponse> out) {
    Errors.unary(out, () -> node.join(req));
  }

  @Override
  public void leaveSwarm(io.jswarm.api.LeaveSwarmRequest req, StreamObserver<io.jswarm.api.LeaveSwarmResponse> out) {
    Errors.unary(out, () -> {
      node.leave(req);
      return io.jswarm.api.LeaveSwarmResponse.getDefaultInstance();
    });
  }

  @Override
  public void getJoinToken(io.jswarm.api.GetJoinTokenRequest req, StreamObserver<io.jswarm.api.GetJoinTokenResponse> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      boolean manager = req.getRole() == NodeSpec.Role.MANAGER;
      if (req.getRotate()) {
        s.update(tx -> {
          var c = tx.cluster().orElseThrow();
          String fresh = io.jswarm.manager.membership.JoinTokens.newToken(c.getCaDigest());
          tx.update(manager ? c.toBuilder().setManagerJoinToken(fresh).build() : c.toBuilder().setWorkerJoinToken(fresh).build());
        });
      }
      var c = s.read(v -> v.cluster()).orElseThrow(() -> Status.UNAVAILABLE.withDescription("swarm not initialized").asException());
      return io.jswarm.api.GetJoinTokenResponse.newBuilder()
          .setToken(manager ? c.getManagerJoinToken() : c.getWorkerJoinToken()).build();
    });
  }

  @Override
  public void updateCluster(io.jswarm.api.UpdateClusterRequest req, StreamObserver<io.jswarm.api.Cluster> out) {
    Errors.unary(out, () -> {
      ClusterSpecs.validate(req.getSpec());
      RaftStore s = store();
      s.update(tx -> {
        var c = tx.cluster().orElseThrow();
        if (c.getMeta().getVersion() != req.getVersion()) {
          throw Status.ABORTED.withDescription("update out of sequence: the swarm settings changed meanwhile; run the command again").asRuntimeException();
        }
        tx.update(c.toBuilder().setSpec(req.getSpec()).build());
      });
      return s.read(v -> v.cluster()).orElseThrow().toBuilder().clearRegistrySecret().clearRootCaKeySealed().build();
    });
  }

  @Override
  public void updateNode(io.jswarm.api.UpdateNodeRequest req, StreamObserver<Node> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      Node n = Refs.resolve("node", req.getNodeRef(), s.read(StoreView::nodes), Node::getId, x -> x.getSpec().getName());
      if (n.getMeta().getVersion() != req.getVersion()) {
        throw Status.ABORTED.withDescription("update out of sequence: node " + n.getSpec().getName() + " changed meanwhile; run the command again").asException();
      }
      NodeSpec spec = req.getSpec();
      if (!spec.getName().equals(n.getSpec().getName())) {
        throw Status.INVALID_ARGUMENT.withDescription("a node's name cannot be changed").asException();
      }
      if (spec.getDesiredRole() == NodeSpec.Role.WORKER && n.getSpec().getDesiredRole() == NodeSpec.Role.MANAGER) {
        long managers = s.read(v -> v.nodes().stream().filter(x -> x.getSpec().getDesiredRole() == NodeSpec.Role.MANAGER).count());
        if (managers <= 1) {
          throw Status.FAILED_PRECONDITION.withDescription("node " + n.getSpec().getName()
              + " is the last manager of the swarm and cannot be demoted; promote another node first").asException();
        }
      }
      for (String k : spec.getLabelsMap().keySet()) {
        if (k.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription("label keys must not be empty").asException();
      }
      s.update(tx -> tx.update(n.toBuilder().setSpec(spec).build()));
      return s.read(v -> v.node(n.getId())).orElseThrow();
    });
  }

  @Override
  public void removeNode(io.jswarm.api.RemoveNodeRequest req, StreamObserver<io.jswarm.api.RemoveNodeResponse> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      Node n = Refs.resolve("node", req.getRef(), s.read(StoreView::nodes), Node::getId, x -> x.getSpec().getName());
      String raftId = n.hasManagerStatus() && !n.getManagerStatus().getRaftId().isEmpty() ? n.getManagerStatus().getRaftId() : n.getId();
      boolean raftMember = s.members().stream().anyMatch(m -> m.id().equals(raftId));
      NodeRemoval.check(n, raftMember, req.getForce());
      if (n.getRole() == NodeSpec.Role.MANAGER || raftMember) {
        io.jswarm.manager.membership.MembershipService.removeManager(s, n.getId());
      }
      // the node's certificate is refused from now on, on every manager (AuthorizingInterceptor)
      s.update(tx -> {
        tx.node(n.getId()).ifPresent(tx::delete);
        tx.cluster().filter(c -> !c.getRemovedNodeIdsList().contains(n.getId()))
            .ifPresent(c -> tx.update(c.toBuilder().addRemovedNodeIds(n.getId()).build()));
      });
      return io.jswarm.api.RemoveNodeResponse.getDefaultInstance();
    });
  }

  @Override
  public void swarmCa(io.jswarm.api.SwarmCaRequest req, StreamObserver<io.jswarm.api.SwarmCaResponse> out) {
    Errors.unary(out, () -> {
      store();
      var ca = node.certificateAuthority().orElseThrow(() -> Status.FAILED_PRECONDITION
          .withDescription("this manager holds no CA").asException());
      if (req.getRotate()) {
        if (req.getCaCertPem().isEmpty() != req.getCaKeyPem().isEmpty()) {
          throw Status.INVALID_ARGUMENT.withDescription("--ca-cert and --ca-key go together").asException();
        }
        try {
          ca.rotate(req.getCaCertPem(), req.getCaKeyPem());
        } catch (java.security.cert.CertificateException e) {
          throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
        }
      }
      ca.finishRotationIfDone();
      var b = io.jswarm.api.SwarmCaResponse.newBuilder().setRootCaPem(ca.rootPem()).setTrustedRootsPem(ca.trustedRootsPem())
          .setCaDigest(store().read(v -> v.cluster().map(c -> c.getCaDigest()).orElse("")));
      if (!req.getIssueClient().isEmpty()) {
        String[] certKey = ca.issueClient(req.getIssueClient());
        b.setClientCertPem(certKey[0]).setClientKeyPem(certKey[1]);
      }
      return b.build();
    });
  }

  @Override
  public void storeDigest(io.jswarm.api.StoreDigestRequest req, StreamObserver<io.jswarm.api.StoreDigestResponse> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      return io.jswarm.api.StoreDigestResponse.newBuilder().setDigest(s.digest())
          .setAppliedIndex(s.appliedIndex()).setRaftId(s.selfId()).setLeader(s.isLeader())
          .setLogStartIndex(Math.max(0, s.logStartIndex())).build();
    });
  }

  @Override
  public void registryGc(io.jswarm.api.RegistryGcRequest req, StreamObserver<io.jswarm.api.RegistryGcResponse> out) {
    Errors.unary(out, () -> {
      if (req.getGraceMs() < 0) throw Status.INVALID_ARGUMENT.withDescription("the grace period cannot be negative").asException();
      store(); // a manager, or the usual "not a manager" error
      return node.registryGc(req);
    });
  }

  /** Leadership is Raft's fact, not a stored one: fill it in at read time. */
  private List<Node> withLeader(List<Node> nodes) throws StatusException {
    RaftStore s = store();
    return ManagerReachability.apply(nodes, s.leaderId().orElse(""), s.reachability());
  }

  @Override
  public void createService(CreateServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> {
      ServiceSpec spec = ServiceSpecs.normalize(pinImage(req.getSpec()));
      ServiceSpecs.validate(spec);
      String id = Ids.newId();
      RaftStore s = store();
      s.update(tx -> {
        if (tx.serviceByName(spec.getName()).isPresent()) {
          throw Status.ALREADY_EXISTS.withDescription("service name \"" + spec.getName()
              + "\" is already in use; choose another or remove the existing service").asRuntimeException();
        }
        ServiceSpec resolved = ServiceEndpoints.resolveNetworks(tx, spec);
        tx.create(io.jswarm.api.StoreObject.newBuilder().setService(ServiceHistory.created(
            Service.newBuilder().setId(id).setSpec(resolved).setSpecVersion(1)
                .setEndpoint(ServiceEndpoints.allocate(tx, id, null, resolved)), System.currentTimeMillis())).build());
      });
      return s.read(v -> v.service(id)).orElseThrow();
    });
  }

  /** Resolves the image now and pins its id in the spec, so all replicas run the same bytes. */
  private ServiceSpec pinImage(ServiceSpec spec) throws StatusException {
    ContainerSpec c = spec.getTask().getContainer();
    String image = c.getImage();
    if (image.isEmpty()) return spec; // validate() explains
    String ref = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    String digest = image.contains("@") ? image.substring(image.indexOf('@') + 1) : null;
    String resolved = manager().images().resolve(image).orElseThrow(() ->
        Status.INVALID_ARGUMENT.withDescription("image " + image + " not found: push it to its registry, or import it with \"jswarm image import ROOTFS.tar " + ref + "\"").asException());
    ServiceSpec.Builder b = spec.toBuilder();
    b.getTaskBuilder().getContainerBuilder().setImage(ref + "@" + resolved);
    return b.build();
  }

  @Override
  public void getService(GetServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> resolveService(readStore(), req.getRef()));
  }

  private static Service resolveService(RaftStore s, String ref) throws StatusException {
    return Refs.resolve("service", ref, s.read(StoreView::services), Service::getId, x -> x.getSpec().getName());
  }

  @Override
  public void listServices(ListServicesRequest req, StreamObserver<ListServicesResponse> out) {
    Errors.unary(out, () -> readStore().read(v -> {
      ListServicesResponse.Builder b = ListServicesResponse.newBuilder().addAllServices(v.services());
      for (Service s : v.services()) {
        long running = 0;
        long desired = 0;
        for (Task t : v.tasksByService(s.getId())) {
          if (t.getDesiredState() == TaskState.RUNNING) {
            desired++;
            if (t.getStatus().getState() == TaskState.RUNNING) running++;
          }
        }
        if (s.getSpec().hasReplicated()) desired = s.getSpec().getReplicated().getReplicas();
        b.putRunning(s.getId(), running).putDesired(s.getId(), desired);
      }
      return b.build();
    }));
  }

  @Override
  public void updateService(UpdateServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      Service current = s.read(v -> v.service(req.getServiceId())).orElseThrow(() ->
          Status.NOT_FOUND.withDescription("service " + req.getServiceId() + " not found").asException());
      if (current.getMeta().getVersion() != req.getVersion()) {
        throw Status.ABORTED.withDescription("update out of sequence: service " + current.getSpec().getName()
            + " changed since it was read; run the command again").asException();
      }
      ServiceSpec spec = ServiceSpecs.normalize(req.getSpec());
      if (!spec.getName().equals(current.getSpec().getName())) {
        throw Status.INVALID_ARGUMENT.withDescription("renaming a service is not supported").asException();
      }
      if (!spec.getTask().getContainer().getImage().equals(current.getSpec().getTask().getContainer().getImage())) {
        spec = pinImage(spec);
      }
      ServiceSpecs.validate(spec);
      if (spec.hasGlobal() != current.getSpec().hasGlobal()) {
        throw Status.INVALID_ARGUMENT.withDescription("a service's mode cannot be changed; remove and create it again").asException();
      }
      ServiceSpec checked = spec;
      s.update(tx -> {
        ServiceSpec resolved = ServiceEndpoints.resolveNetworks(tx, checked);
        Service changed = ServiceHistory.change(current, resolved, System.currentTimeMillis(),
            UpdateStatus.State.UPDATING, "update in progress");
        tx.update(changed.toBuilder().setEndpoint(ServiceEndpoints.allocate(tx, current.getId(), current, resolved)).build());
      });
      return s.read(v -> v.service(current.getId())).orElseThrow();
    });
  }

  @Override
  public void rollbackService(RollbackServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      Service current = resolveService(s, req.getRef());
      SpecRevision to = ServiceHistory.find(current, req.getToRevision()).orElseThrow(() ->
          Status.FAILED_PRECONDITION.withDescription(req.getToRevision() == 0
              ? "service " + current.getSpec().getName() + " has no previous spec to roll back to"
              : "service " + current.getSpec().getName() + " has no revision " + req.getToRevision()
                  + "; see \"jswarm service history " + current.getSpec().getName() + "\"").asException());
      ServiceSpec spec = to.getSpec();
      ServiceSpecs.validate(spec);
      s.update(tx -> {
        Service now = tx.service(current.getId()).orElseThrow(() ->
            Status.NOT_FOUND.withDescription("service " + current.getSpec().getName() + " was removed").asRuntimeException());
        if (now.getMeta().getVersion() != current.getMeta().getVersion()) {
          throw Status.ABORTED.withDescription("service " + current.getSpec().getName()
              + " changed meanwhile; run the command again").asRuntimeException();
        }
        String msg = "rollback to revision " + (to.getRevision() > 0 ? to.getRevision() : "previous") + " in progress";
        ServiceSpec resolved = ServiceEndpoints.resolveNetworks(tx, spec);
        Service changed = ServiceHistory.change(now, resolved, System.currentTimeMillis(), UpdateStatus.State.ROLLBACK_STARTED, msg);
        tx.update(changed.toBuilder().setEndpoint(ServiceEndpoints.allocate(tx, now.getId(), now, resolved)).build());
      });
      return s.read(v -> v.service(current.getId())).orElseThrow();
    });
  }

  @Override
  public void removeService(RemoveServiceRequest req, StreamObserver<RemoveServiceResponse> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      Service svc = resolveService(s, req.getRef());
      s.update(tx -> tx.service(svc.getId()).ifPresent(cur ->
          tx.delete(io.jswarm.api.StoreObject.newBuilder().setService(cur).build())));
      return RemoveServiceResponse.getDefaultInstance();
    });
  }

  // ------------------------------------------------------------ networks

  /** Why the kernel cannot carry an encrypted overlay, if it cannot (replaced in tests). */
  public static volatile java.util.function.Supplier<java.util.Optional<String>> encryptionUnsupported =
      io.jswarm.net.EncryptionProbe::unsupportedReason;

  @Override
  public void createNetwork(CreateNetworkRequest req, StreamObserver<Network> out) {
    Errors.unary(out, () -> {
      if (req.getSpec().getIngress()) {
        throw Status.INVALID_ARGUMENT.withDescription("the ingress network is created by the swarm when a port is first published").asException();
      }
      RaftStore s = store();
      String id = Ids.newId();
      s.update(tx -> tx.create(Networks.allocate(tx, id, req.getSpec(), encryptionUnsupported)));
      return s.read(v -> v.network(id)).orElseThrow();
    });
  }

  private static Network resolveNetwork(RaftStore s, String ref) throws StatusException {
    return Refs.resolve("network", ref, s.read(StoreView::networks), Network::getId, n -> n.getSpec().getName());
  }

  @Override
  public void getNetwork(GetNetworkRequest req, StreamObserver<Network> out) {
    Errors.unary(out, () -> resolveNetwork(readStore(), req.getRef()));
  }

  @Override
  public void listNetworks(ListNetworksRequest req, StreamObserver<ListNetworksResponse> out) {
    Errors.unary(out, () -> ListNetworksResponse.newBuilder().addAllNetworks(readStore().read(StoreView::networks)).build());
  }

  @Override
  public void removeNetwork(RemoveNetworkRequest req, StreamObserver<RemoveNetworkResponse> out) {
    Errors.unary(out, () -> {
      RaftStore s = store();
      Network n = resolveNetwork(s, req.getRef());
      s.update(tx -> {
        List<String> users = Networks.usedBy(tx, n.getId());
        if (!users.isEmpty()) {
          throw Status.FAILED_PRECONDITION.withDescription("network " + n.getSpec().getName() + " is in use by service"
              + (users.size() > 1 ? "s " : " ") + String.join(", ", users) + "; remove or update them first").asRuntimeException();
        }
        // Tasks that are still shutting down keep their addresses; their records go with the reaper.
        for (Task t : tx.tasks()) {
          if (!io.jswarm.api.TaskStates.isTerminal(t.getStatus().getState())
              && t.getNetworksList().stream().anyMatch(a -> a.getNetworkId().equals(n.getId()))) {
            throw Status.FAILED_PRECONDITION.withDescription("network " + n.getSpec().getName()
                + " still has a task shutting down (" + t.getId() + "); try again in a moment").asRuntimeException();
          }
        }
        tx.network(n.getId()).ifPresent(tx::delete);
      });
      return RemoveNetworkResponse.getDefaultInstance();
    });
  }

  @Override
  public void listTasks(ListTasksRequest req, StreamObserver<ListTasksResponse> out) {
    Errors.unary(out, () -> {
      RaftStore s = readStore();
      return s.read(v -> {
        Set<String> services = new HashSet<>();
        for (String ref : req.getServiceRefsList()) {
          services.add(Refs.resolveUnchecked("service", ref, v.services(), Service::getId, x -> x.getSpec().getName()).getId());
        }
        Set<String> nodes = new HashSet<>();
        for (String ref : req.getNodeRefsList()) {
          nodes.add(Refs.resolveUnchecked("node", ref, v.nodes(), Node::getId, n -> n.getSpec().getName()).getId());
        }
        Set<TaskState> states = new HashSet<>(req.getDesiredStatesList());
        Map<String, String> names = new HashMap<>();
        for (Node n : v.nodes()) names.put(n.getId(), n.getSpec().getName());
        ListTasksResponse.Builder b = ListTasksResponse.newBuilder().putAllNodeNames(names);
        for (Task t : v.tasks()) {
          if (!services.isEmpty() && !services.contains(t.getServiceId())) continue;
          if (!nodes.isEmpty() && !nodes.contains(t.getNodeId())) continue;
          if (!states.isEmpty() && !states.contains(t.getDesiredState())) continue;
          b.addTasks(t);
        }
        return b.build();
      });
    });
  }

  @Override
  public void serviceLogs(ServiceLogsRequest req, StreamObserver<LogLine> out) {
    try {
      RaftStore s = store();
      Service svc = resolveService(s, req.getServiceRef());
      Map<String, Node> nodes = new HashMap<>();
      for (Node n : s.read(StoreView::nodes)) nodes.put(n.getId(), n);
      List<Task> tasks = s.read(v -> v.tasksByService(svc.getId())).stream()
          .filter(t -> !t.getNodeId().isEmpty()
              && t.getStatus().getState().getNumber() >= TaskState.STARTING.getNumber())
          .toList();
      logs.stream(tasks, nodes, req, (ServerCallStreamObserver<LogLine>) out);
    } catch (Exception e) {
      out.onError(Errors.toStatus(e));
    }
  }
}
