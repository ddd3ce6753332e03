package io.jswarm.cli.daemon;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
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
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.jswarm.api.RenewCertificateResponse;
import io.jswarm.manager.ca.CertificateAuthority;
import io.jswarm.pki.AuthorizingInterceptor;
import io.jswarm.pki.KeyWrap;
import io.jswarm.pki.NodeKeys;
import io.jswarm.pki.NodeTls;
import io.jswarm.pki.PeerIdentity;
import io.jswarm.pki.Role;
import io.jswarm.pki.SwarmCa;
import io.jswarm.store.Member;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
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
 * (once the node is in a swarm) and the gRPC servers: the unix socket for the CLI (Control, the
 * engine, node-local calls), and — once the node holds a swarm certificate — the cluster port,
 * mutual TLS only, each RPC checked against the caller's certificate ({@link PortPolicy}), plus
 * the optional remote Control port for admin client certificates. Its own state is
 * data-root/node-id, data-root/swarm.json and data-root/certificates/.
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
  private final NodeCredentials credentials;
  private final CertRenewer renewer;
  private MembershipService membership;
  private io.grpc.ServerServiceDefinition control;
  private final DaemonLock dataRootLock;
  private final DaemonLock socketLock;
  private Server unixServer;
  private Server tcpServer;
  private Server controlServer;
  private EpollEventLoopGroup unixGroup;
  private volatile SwarmState state;
  private volatile boolean closed;
  /** Cluster.registry_secret as the last NodeUpdate of this node's session gave it. */
  private volatile String sessionRegistrySecret = "";

  public Daemon(DaemonConfig cfg) throws IOException {
    this.cfg = cfg;
    Files.createDirectories(cfg.dataRoot());
    // before Ratis, the engine or anything else opens a file there
    this.dataRootLock = DaemonLock.acquire(cfg.dataRoot().resolve("daemon.lock"), "data root " + cfg.dataRoot());
    // the socket file is ours to replace only when no other daemon serves it
    Files.createDirectories(cfg.socket().getParent());
    try {
      this.socketLock = DaemonLock.acquire(cfg.socket().resolveSibling(cfg.socket().getFileName() + ".lock"),
          "socket " + cfg.socket());
    } catch (IOException | RuntimeException e) {
      dataRootLock.close();
      throw e;
    }
    this.nodeId = NodeIdentity.loadOrCreate(cfg.dataRoot());
    this.credentials = NodeCredentials.load(cfg.dataRoot());
    this.worker = new WorkerSide(cfg, nodeId);
    this.managerRole = new ManagerRole(cfg, nodeId, worker.imageResolver(), dispatcherProxy, credentials);
    // removed nodes (node rm) are refused on every handshake and call; managers know the list
    credentials.setRemoved(id -> {
      Manager m = managerRole.manager();
      return m != null && m.store().read(v -> v.cluster().map(c -> c.getRemovedNodeIdsList().contains(id)).orElse(false));
    });
    this.renewer = new CertRenewer(credentials, req -> {
      RenewCertificateResponse[] out = new RenewCertificateResponse[1];
      callAnyManager(ch -> out[0] = MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).renewCertificate(req));
      return out[0];
    });
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
    control = io.grpc.ServerInterceptors.intercept(new ControlService(this),
        new io.jswarm.manager.control.StaleReadInterceptor(this::manager));
    membership = new MembershipService(this::manager, this::certificateAuthority, credentials::clusterKey,
        managerRole::registryAddr);
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
    Optional<SwarmState> saved = SwarmState.load(cfg.dataRoot());
    if (saved.isPresent()) {
      if (!credentials.present()) {
        throw new IOException("this node is in a swarm (" + cfg.dataRoot().resolve("swarm.json") + ") but holds no "
            + "certificate in " + credentials.dir() + "; remove swarm.json to leave it, then join again");
      }
      state = saved.get();
      startClusterPort();
      if (state.manager()) managerRole.start(List.of());
      startAgent();
    }
    LOG.info("jswarm daemon " + Version.get() + " node " + nodeId + " (" + cfg.nodeName() + ") listening on "
        + cfg.socket() + (tcpServer == null ? "" : " and " + cfg.listenHost() + ":" + cfg.listenPort() + " (mutual TLS)"));
  }

  private void startAgent() {
    worker.setRegistryTls(credentials.registryTls().clientContext());
    worker.setClusterPush(() -> credentials.present() && credentials.tls().self().role() == Role.MANAGER);
    worker.startAgent(() -> state == null ? List.of() : state.managerAddrs(), this::onNodeUpdate, credentials::dialManager);
    renewer.schedule();
  }

  /**
   * The cluster port, once this node holds a swarm certificate: TLS always; a client certificate
   * is optional at the handshake only so that a joiner can fetch the root and present its token —
   * every other call needs one, with the right role ({@link PortPolicy}).
   */
  private synchronized void startClusterPort() throws IOException {
    if (tcpServer != null) return;
    NodeTls tls = credentials.tls();
    String where = "cluster port " + cfg.listenHost() + ":" + cfg.listenPort();
    tcpServer = NettyServerBuilder.forAddress(new InetSocketAddress(cfg.listenHost(), cfg.listenPort()))
        .sslContext(tls.serverContext(ClientAuth.OPTIONAL, EnumSet.of(Role.MANAGER, Role.WORKER)))
        .maxInboundMessageSize(64 << 20)
        .intercept(new AuthorizingInterceptor(where, PortPolicy.clusterPort(), tls::isRemoved))
        .addService(membership).addService(dispatcherProxy).addService(worker.engineService())
        .build().start();
    if (cfg.controlAddr() != null) {
      String c = cfg.controlAddr();
      int colon = c.lastIndexOf(':');
      controlServer = NettyServerBuilder.forAddress(new InetSocketAddress(c.substring(0, colon), Integer.parseInt(c.substring(colon + 1))))
          .sslContext(tls.serverContext(ClientAuth.REQUIRE, EnumSet.of(Role.ADMIN)))
          .maxInboundMessageSize(64 << 20)
          .intercept(new AuthorizingInterceptor("control port " + c, PortPolicy.controlPort(), tls::isRemoved))
          .addService(control)
          .build().start();
      LOG.info("remote Control API on " + c + " (mutual TLS, swarm-admin client certificates only)");
    }
  }

  private synchronized void stopClusterPort() {
    for (Server s : new Server[] {tcpServer, controlServer}) {
      if (s == null) continue;
      s.shutdownNow();
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    tcpServer = null;
    controlServer = null;
  }

  @Override
  public Optional<CertificateAuthority> certificateAuthority() {
    return Optional.ofNullable(managerRole.ca());
  }

  @Override
  public ManagedChannel dialNode(String addr) {
    return credentials.dialNode(addr);
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
    checkAdvertiseAddr(req.getAdvertiseAddr());
    String clusterId = Ids.newId();
    try {
      // the swarm's root CA, and this first manager's certificate issued from it
      SwarmCa ca = SwarmCa.create(clusterId);
      byte[] clusterKey = KeyWrap.newKey();
      KeyPair keys = NodeKeys.newKeyPair();
      X509Certificate cert = ca.issueFor(keys.getPublic(), new PeerIdentity(nodeId, Role.MANAGER, clusterId),
          List.of(cfg.advertiseHost()), SwarmCa.DEFAULT_NODE_VALIDITY);
      credentials.install(NodeTls.of(keys.getPrivate(), List.of(cert), List.of(ca.root())));
      credentials.setClusterKey(clusterKey);
      Manager m = managerRole.start(List.of(new Member(nodeId, cfg.raftAddr())));
      managerRole.awaitSelfLeader(Duration.ofSeconds(30));
      long now = System.currentTimeMillis();
      m.store().update(tx -> {
        tx.create(ClusterBootstrap.cluster(clusterId, now, ca, clusterKey));
        tx.create(CertificateAuthority.stamp(ClusterBootstrap.firstManager(nodeId, cfg, worker.description()).toBuilder(),
            ca.digest(), io.jswarm.pki.Pem.cert(cert)).build());
      });
      startClusterPort();
      saveState(new SwarmState(clusterId, nodeId, true, List.of(cfg.advertiseAddr())));
      startAgent();
    } catch (Exception e) {
      managerRole.stopAndWipe();
      stopClusterPort();
      wipeCredentials();
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

  /** --advertise-addr on init/join must be what the daemon advertises (certificates and peers use it). */
  private void checkAdvertiseAddr(String advertise) throws StatusException {
    if (advertise.isEmpty()) return;
    String host = advertise.contains(":") ? advertise.substring(0, advertise.lastIndexOf(':')) : advertise;
    if (!host.equals(cfg.advertiseHost()) || advertise.contains(":") && !advertise.equals(cfg.advertiseAddr())) {
      throw Status.INVALID_ARGUMENT.withDescription("this daemon advertises " + cfg.advertiseAddr()
          + "; set the advertise address with \"jswarm daemon --advertise-addr\"").asException();
    }
  }

  private void wipeCredentials() {
    try {
      credentials.wipe();
    } catch (IOException e) {
      LOG.warning("could not delete this node's certificates: " + e.getMessage());
    }
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
    checkAdvertiseAddr(req.getAdvertiseAddr());
    Joiner.Joined joined = Joiner.join(req.getRemoteAddr(), req.getToken(), JoinRequest.newBuilder()
        .setNodeId(nodeId).setNodeName(cfg.nodeName()).setAddr(cfg.advertiseAddr()).setDescription(worker.description()));
    JoinResponse r = joined.response();
    try {
      credentials.install(joined.tls());
      if (r.getRole() == NodeSpec.Role.MANAGER) {
        managerRole.start(List.of());
        ManagedChannel ch = credentials.dialManager(req.getRemoteAddr());
        try {
          JoinResponse raft = MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).joinRaft(joinRaft(req.getToken()));
          credentials.setClusterKey(raft.getClusterKey().toByteArray());
          managerRole.awaitLeader(Duration.ofSeconds(30));
        } finally {
          ch.shutdownNow();
        }
      }
      startClusterPort();
      if (!r.getRegistrySecret().isEmpty()) sessionRegistrySecret = r.getRegistrySecret();
      List<String> managers = new ArrayList<>(r.getManagerAddrsList());
      if (managers.isEmpty()) managers.add(req.getRemoteAddr());
      saveState(new SwarmState(r.getClusterId(), nodeId, r.getRole() == NodeSpec.Role.MANAGER, managers));
      startAgent();
      return JoinSwarmResponse.newBuilder().setNodeId(nodeId).setRole(r.getRole()).build();
    } catch (StatusRuntimeException e) {
      undoJoin();
      throw e.getStatus().getCode() == Status.Code.UNAVAILABLE
          ? Status.UNAVAILABLE.withDescription("cannot reach a manager at " + req.getRemoteAddr() + ": "
              + e.getStatus().getDescription()).asException()
          : e.getStatus().asException();
    } catch (StatusException e) {
      undoJoin();
      throw e;
    } catch (Exception e) {
      undoJoin();
      throw Status.INTERNAL.withDescription("join failed: " + e.getMessage()).asException();
    }
  }

  private void undoJoin() {
    managerRole.stopAndWipe();
    stopClusterPort();
    wipeCredentials();
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
    stopClusterPort();
    wipeCredentials();
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
      ManagedChannel ch = credentials.dialManager(a);
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
    renewer.onTrustedRoots(u.getTrustedRootsPem());
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
    Role certRole = credentials.tls().self().role();
    if (wantManager && managerRole.manager() == null) {
      LOG.info("promoted: renewing the certificate as a manager, starting a Raft member and asking to be added");
      if (certRole != Role.MANAGER) renewer.renewNow();
      if (credentials.tls().self().role() != Role.MANAGER) {
        throw new IllegalStateException("the managers have not issued a manager certificate yet");
      }
      managerRole.start(List.of());
      JoinResponse[] r = new JoinResponse[1];
      callAnyManager(ch -> r[0] = MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).joinRaft(joinRaft("")));
      credentials.setClusterKey(r[0].getClusterKey().toByteArray());
      saveState(new SwarmState(s.clusterId(), nodeId, true, managers));
    } else if (!wantManager && !isManager && managerRole.manager() != null) {
      LOG.info("demoted: stopping this node's Raft member and renewing the certificate as a worker");
      managerRole.stopAndWipe();
      credentials.forgetClusterKey();
      saveState(new SwarmState(s.clusterId(), nodeId, false, managers));
      renewer.renewNow();
    } else if (!wantManager && !isManager && certRole == Role.MANAGER) {
      renewer.renewNow(); // a demotion seen after a restart: drop the manager certificate
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
        .setAdvertiseAddr(cfg.advertiseAddr())
        .setSwarmRootsPem(credentials.present() ? io.jswarm.pki.Pem.certs(credentials.tls().roots()) : "")
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
    renewer.close();
    worker.close();
    managerRole.stop();
    for (Server s : new Server[] {tcpServer, controlServer, unixServer}) {
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
    socketLock.close();
    dataRootLock.close();
    stopped.countDown();
  }
}
