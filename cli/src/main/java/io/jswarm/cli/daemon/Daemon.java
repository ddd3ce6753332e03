package io.jswarm.cli.daemon;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.InitSwarmRequest;
import io.jswarm.api.InitSwarmResponse;
import io.jswarm.api.JoinRaftRequest;
import io.jswarm.api.JoinRequest;
import io.jswarm.api.JoinResponse;
import io.jswarm.api.JoinSwarmRequest;
import io.jswarm.api.JoinSwarmResponse;
import io.jswarm.api.LeaveRequest;
import io.jswarm.api.LeaveSwarmRequest;
import io.jswarm.api.MembershipGrpc;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeUpdate;
import io.jswarm.cli.Version;
import io.jswarm.manager.Ids;
import io.jswarm.manager.Manager;
import io.jswarm.manager.SwarmNode;
import io.jswarm.manager.control.ControlService;
import io.jswarm.manager.membership.MembershipService;
import io.jswarm.store.Member;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One node process: wires the local engine (always), the worker agent and the manager role
 * (once the node is in a swarm) and the gRPC servers (unix socket for the CLI, TCP for the
 * cluster). Its only state of its own is data-root/node-id and data-root/swarm.json.
 */
public final class Daemon implements SwarmNode, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
  private final DaemonConfig cfg;
  private final String nodeId;
  private final WorkerSide worker;
  private final ManagerRole managerRole;
  private final DispatcherProxy dispatcherProxy = new DispatcherProxy();
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Role changes run here, one at a time, off the session thread that announced them. */
  private final ExecutorService roleChanges = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "role-change");
    t.setDaemon(true);
    return t;
  });
  private Server unixServer;
  private Server tcpServer;
  private EpollEventLoopGroup unixGroup;
  private volatile SwarmState state;
  private volatile boolean closed;
  /** Cluster.registry_secret as the last NodeUpdate of this node's session gave it. */
  private volatile String sessionRegistrySecret = "";

  public Daemon(DaemonConfig cfg) throws IOException {
    this.cfg = cfg;
    Files.createDirectories(cfg.dataRoot());
    this.nodeId = NodeIdentity.loadOrCreate(cfg.dataRoot());
    this.worker = new WorkerSide(cfg, nodeId);
    this.managerRole = new ManagerRole(cfg, nodeId, worker.imageResolver(), dispatcherProxy);
    worker.setLocalRegistry(managerRole::registryAddr);
    worker.setRegistrySecret(() -> {
      Manager m = managerRole.manager();
      if (m != null) {
        String s = m.store().read(v -> v.cluster().map(c -> c.getRegistrySecret()).orElse(""));
        if (!s.isEmpty()) return s;
      }
      return sessionRegistrySecret;
    });
  }

  public synchronized void start() throws IOException {
    var control = io.grpc.ServerInterceptors.intercept(new ControlService(this),
        new io.jswarm.manager.control.StaleReadInterceptor(this::manager));
    MembershipService membership = new MembershipService(this::manager);
    Files.createDirectories(cfg.socket().getParent());
    Files.deleteIfExists(cfg.socket());
    unixGroup = new EpollEventLoopGroup(2);
    unixServer = NettyServerBuilder.forAddress(new DomainSocketAddress(cfg.socket().toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(unixGroup).workerEventLoopGroup(unixGroup)
        .maxInboundMessageSize(64 << 20)
        .addService(control).addService(worker.engineService())
        .addService(worker.nodeLocalService()) // local socket only: node-local containers and volumes
        .build().start();
    tcpServer = NettyServerBuilder.forAddress(new InetSocketAddress(cfg.listenHost(), cfg.listenPort()))
        .maxInboundMessageSize(64 << 20)
        .addService(control).addService(membership).addService(dispatcherProxy).addService(worker.engineService())
        .build().start();
    Optional<SwarmState> saved = SwarmState.load(cfg.dataRoot());
    if (saved.isPresent()) {
      state = saved.get();
      if (state.manager()) managerRole.start(List.of());
      startAgent();
    }
    LOG.info("jswarm daemon " + Version.get() + " node " + nodeId + " (" + cfg.nodeName() + ") listening on "
        + cfg.socket() + " and " + cfg.listenHost() + ":" + cfg.listenPort());
  }

  private void startAgent() {
    worker.startAgent(() -> state == null ? List.of() : state.managerAddrs(), this::onNodeUpdate);
  }

  // ------------------------------------------------------------ init, join, leave

  @Override
  public synchronized InitSwarmResponse init(InitSwarmRequest req) throws StatusException {
    if (req.getForceNewCluster()) return forceNewCluster();
    if (state != null) {
      throw Status.FAILED_PRECONDITION.withDescription(
          "This node is already part of a swarm. Use \"jswarm swarm leave\" to leave this swarm and join another one.").asException();
    }
    checkListenAddr(req.getListenAddr());
    String clusterId = Ids.newId();
    try {
      Manager m = managerRole.start(List.of(new Member(nodeId, cfg.raftAddr())));
      managerRole.awaitSelfLeader(Duration.ofSeconds(30));
      long now = System.currentTimeMillis();
      m.store().update(tx -> {
        tx.create(ClusterBootstrap.cluster(clusterId, now));
        tx.create(ClusterBootstrap.firstManager(nodeId, cfg, worker.description()));
      });
      saveState(new SwarmState(clusterId, nodeId, true, List.of(cfg.advertiseAddr())));
      startAgent();
    } catch (Exception e) {
      managerRole.stopAndWipe();
      throw Status.INTERNAL.withDescription("swarm init failed: " + e.getMessage()).withCause(e).asException();
    }
    return InitSwarmResponse.newBuilder().setNodeId(nodeId).setClusterId(clusterId).build();
  }

  /**
   * Quorum is lost for good: restart this manager's state as a new one-member group holding
   * everything it had applied. Other managers become down workers; they must leave and join.
   */
  private InitSwarmResponse forceNewCluster() throws StatusException {
    Manager m = managerRole.manager();
    if (m == null) {
      throw Status.FAILED_PRECONDITION.withDescription("--force-new-cluster needs a node that was a manager of a swarm").asException();
    }
    List<io.jswarm.api.StoreObject> objects = ForcedCluster.export(m.store(), nodeId);
    String clusterId = state.clusterId();
    managerRole.stop();
    java.nio.file.Path old = managerRole.raftDir();
    java.nio.file.Path backup = old.resolveSibling("raft.before-force-new-cluster." + System.currentTimeMillis());
    try {
      Files.move(old, backup);
      Manager fresh = managerRole.start(List.of(new Member(nodeId, cfg.raftAddr())));
      managerRole.awaitSelfLeader(Duration.ofSeconds(30));
      // in bounded entries: one entry of the whole state is refused past BatchLimits
      io.jswarm.store.BatchWriter restore = fresh.store().batch();
      for (io.jswarm.api.StoreObject o : objects) restore.update(tx -> tx.create(o));
      restore.commit();
      saveState(new SwarmState(clusterId, nodeId, true, List.of(cfg.advertiseAddr())));
      LOG.warning("forced a new cluster from this node's state; the old log is kept in " + backup);
    } catch (Exception e) {
      throw Status.INTERNAL.withDescription("force-new-cluster failed: " + e.getMessage()
          + "; the previous Raft data is in " + backup).asException();
    }
    return InitSwarmResponse.newBuilder().setNodeId(nodeId).setClusterId(clusterId).build();
  }

  private void checkListenAddr(String listenAddr) throws StatusException {
    if (!listenAddr.isEmpty() && !listenAddr.equals(cfg.listenHost() + ":" + cfg.listenPort())) {
      throw Status.INVALID_ARGUMENT.withDescription("this daemon listens on " + cfg.listenHost() + ":" + cfg.listenPort()
          + "; set the listen address with \"jswarm daemon --listen-addr\"").asException();
    }
  }

  @Override
  public synchronized JoinSwarmResponse join(JoinSwarmRequest req) throws StatusException {
    if (state != null) {
      throw Status.FAILED_PRECONDITION.withDescription(
          "This node is already part of a swarm. Use \"jswarm swarm leave\" to leave this swarm and join another one.").asException();
    }
    if (req.getRemoteAddr().isEmpty() || !req.getRemoteAddr().contains(":")) {
      throw Status.INVALID_ARGUMENT.withDescription("the manager address must be HOST:PORT").asException();
    }
    ManagedChannel ch = NettyChannelBuilder.forTarget(req.getRemoteAddr()).usePlaintext().build();
    try {
      var stub = MembershipGrpc.newBlockingStub(ch);
      JoinResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).join(JoinRequest.newBuilder()
          .setToken(req.getToken()).setNodeId(nodeId).setNodeName(cfg.nodeName())
          .setAddr(cfg.advertiseAddr()).setDescription(worker.description()).build());
      if (r.getRole() == NodeSpec.Role.MANAGER) {
        managerRole.start(List.of());
        try {
          r = stub.withDeadlineAfter(60, TimeUnit.SECONDS).joinRaft(joinRaft(req.getToken()));
          managerRole.awaitLeader(Duration.ofSeconds(30));
        } catch (Exception e) {
          managerRole.stopAndWipe();
          throw e;
        }
      }
      if (!r.getRegistrySecret().isEmpty()) sessionRegistrySecret = r.getRegistrySecret();
      List<String> managers = new ArrayList<>(r.getManagerAddrsList());
      if (managers.isEmpty()) managers.add(req.getRemoteAddr());
      saveState(new SwarmState(r.getClusterId(), nodeId, r.getRole() == NodeSpec.Role.MANAGER, managers));
      startAgent();
      return JoinSwarmResponse.newBuilder().setNodeId(nodeId).setRole(r.getRole()).build();
    } catch (StatusRuntimeException e) {
      throw e.getStatus().getCode() == Status.Code.UNAVAILABLE
          ? Status.UNAVAILABLE.withDescription("cannot reach a manager at " + req.getRemoteAddr() + ": "
              + e.getStatus().getDescription()).asException()
          : e.getStatus().asException();
    } catch (StatusException e) {
      throw e;
    } catch (Exception e) {
      throw Status.INTERNAL.withDescription("join failed: " + e.getMessage()).asException();
    } finally {
      ch.shutdownNow();
    }
  }

  private JoinRaftRequest joinRaft(String token) {
    return JoinRaftRequest.newBuilder().setToken(token).setNodeId(nodeId).setRaftAddr(cfg.raftAddr())
        .setAddr(cfg.advertiseAddr()).setNodeName(cfg.nodeName()).setDescription(worker.description()).build();
  }

  @Override
  public synchronized void leave(LeaveSwarmRequest req) throws StatusException {
    if (state == null) throw Status.FAILED_PRECONDITION.withDescription("This node is not part of a swarm.").asException();
    if (state.manager() && !req.getForce()) {
      throw Status.FAILED_PRECONDITION.withDescription("You are attempting to leave the swarm on a node that is "
          + "participating as a manager. Removing this node leaves fewer managers, which may cost the swarm its "
          + "quorum. Demote it first (\"jswarm node demote\"), or use --force to ignore this message.").asException();
    }
    try {
      callAnyManager(ch -> MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
          .leave(LeaveRequest.newBuilder().setNodeId(nodeId).build()));
    } catch (Exception e) {
      if (!req.getForce()) {
        throw Status.UNAVAILABLE.withDescription("could not tell the managers that this node leaves ("
            + e.getMessage() + "); use --force to leave anyway").asException();
      }
    }
    worker.stopAgentAndRemoveContainers();
    managerRole.stopAndWipe();
    state = null;
    try {
      Files.deleteIfExists(cfg.dataRoot().resolve("swarm.json"));
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("could not forget the swarm: " + e.getMessage()).asException();
    }
  }

  private interface ChannelCall {
    void call(ManagedChannel ch);
  }

  private void callAnyManager(ChannelCall c) {
    List<String> addrs = new ArrayList<>();
    if (managerRole.manager() != null) addrs.add(cfg.advertiseAddr());
    addrs.addAll(state.managerAddrs());
    RuntimeException last = new IllegalStateException("no manager address known");
    for (String a : addrs) {
      ManagedChannel ch = NettyChannelBuilder.forTarget(a).usePlaintext().build();
      try {
        c.call(ch);
        return;
      } catch (RuntimeException e) {
        last = e;
      } finally {
        ch.shutdownNow();
      }
    }
    throw last;
  }

  // ------------------------------------------------------------ role changes

  /** From the dispatcher: follow promotions, demotions and the manager set. */
  private void onNodeUpdate(NodeUpdate u) {
    if (!u.getRegistrySecret().isEmpty()) sessionRegistrySecret = u.getRegistrySecret();
    roleChanges.execute(() -> {
      try {
        applyNodeUpdate(u);
      } catch (Exception e) {
        LOG.log(Level.WARNING, "role change failed; retried on the next update", e);
      }
    });
  }

  private synchronized void applyNodeUpdate(NodeUpdate u) throws Exception {
    SwarmState s = state;
    if (s == null || closed) return;
    List<String> managers = u.getManagerAddrsList().isEmpty() ? s.managerAddrs() : u.getManagerAddrsList();
    var node = u.getNode();
    boolean wantManager = node.getSpec().getDesiredRole() == NodeSpec.Role.MANAGER;
    boolean isManager = node.getRole() == NodeSpec.Role.MANAGER;
    if (wantManager && managerRole.manager() == null) {
      LOG.info("promoted: starting a Raft member and asking to be added");
      managerRole.start(List.of());
      callAnyManager(ch -> MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).joinRaft(joinRaft("")));
      saveState(new SwarmState(s.clusterId(), nodeId, true, managers));
    } else if (!wantManager && !isManager && managerRole.manager() != null) {
      LOG.info("demoted: stopping this node's Raft member");
      managerRole.stopAndWipe();
      saveState(new SwarmState(s.clusterId(), nodeId, false, managers));
    } else if (!managers.equals(s.managerAddrs())) {
      saveState(new SwarmState(s.clusterId(), nodeId, s.manager(), managers));
    }
  }

  private void saveState(SwarmState s) throws IOException {
    s.save(cfg.dataRoot());
    state = s;
  }

  // ------------------------------------------------------------ facts, shutdown

  @Override
  public InfoResponse.Builder localInfo() {
    String registry = managerRole.registryAddr();
    return InfoResponse.newBuilder()
        .setRegistryAddr(registry == null ? "" : registry)
        .setNodeId(nodeId)
        .setNodeName(cfg.nodeName())
        .setVersion(Version.get())
        .setDataRoot(cfg.dataRoot().toString())
        .setListenAddr(cfg.listenHost() + ":" + cfg.listenPort())
        .setSwarmActive(state != null)
        .setContainersRunning(worker.runningContainers())
        .setImages(worker.imageCount());
  }

  @Override
  public io.jswarm.api.RegistryGcResponse registryGc(io.jswarm.api.RegistryGcRequest req) throws StatusException {
    io.jswarm.registry.cluster.ClusterRegistry r = managerRole.registry();
    if (r == null) {
      throw Status.FAILED_PRECONDITION.withDescription("this manager serves no registry (daemon --registry-addr none, "
          + "or its port was taken): run the command on a manager that does").asException();
    }
    try {
      var res = r.gc(Duration.ofMillis(req.getGraceMs()), req.getDryRun());
      return io.jswarm.api.RegistryGcResponse.newBuilder().setSummary(res.toString()).setCollected(res.collected())
          .setBytesFreed(res.bytesFreed()).setReferenced(res.referenced()).setYoung(res.young()).build();
    } catch (io.jswarm.registry.core.RegistryException e) {
      throw Status.UNAVAILABLE.withDescription(e.getMessage()).asException();
    }
  }

  @Override
  public Optional<Manager> manager() {
    return Optional.ofNullable(managerRole.manager());
  }

  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /** Stops the daemon; containers keep running under conmon and are re-adopted on restart. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    roleChanges.shutdownNow();
    worker.close();
    managerRole.stop();
    for (Server s : new Server[] {tcpServer, unixServer}) {
      if (s == null) continue;
      s.shutdownNow();
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (unixGroup != null) unixGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      Files.deleteIfExists(cfg.socket());
    } catch (IOException ignored) {
      // best effort: a stale socket file is replaced on the next start
    }
    stopped.countDown();
  }
}
