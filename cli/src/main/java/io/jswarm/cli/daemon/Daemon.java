package io.jswarm.cli.daemon;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.jswarm.api.Cluster;
import io.jswarm.api.ClusterSpec;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.InitSwarmRequest;
import io.jswarm.api.InitSwarmResponse;
import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.cli.Version;
import io.jswarm.manager.Ids;
import io.jswarm.manager.Manager;
import io.jswarm.manager.SwarmNode;
import io.jswarm.manager.control.ControlService;
import io.jswarm.manager.dispatcher.Dispatcher;
import io.jswarm.manager.orchestrator.TaskReaper;
import io.jswarm.store.Member;
import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  private final DispatcherProxy dispatcherProxy = new DispatcherProxy();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Server unixServer;
  private Server tcpServer;
  private EpollEventLoopGroup unixGroup;
  private volatile Manager manager;
  private volatile RaftStore store;
  private volatile boolean closed;

  public Daemon(DaemonConfig cfg) throws IOException {
    this.cfg = cfg;
    Files.createDirectories(cfg.dataRoot());
    this.nodeId = NodeIdentity.loadOrCreate(cfg.dataRoot());
    this.worker = new WorkerSide(cfg, nodeId);
  }

  public String nodeId() {
    return nodeId;
  }

  public synchronized void start() throws IOException {
    ControlService control = new ControlService(this);
    Files.createDirectories(cfg.socket().getParent());
    Files.deleteIfExists(cfg.socket());
    unixGroup = new EpollEventLoopGroup(2);
    unixServer = NettyServerBuilder.forAddress(new DomainSocketAddress(cfg.socket().toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(unixGroup).workerEventLoopGroup(unixGroup)
        .maxInboundMessageSize(64 << 20)
        .addService(control).addService(worker.engineService())
        .build().start();
    tcpServer = NettyServerBuilder.forAddress(new InetSocketAddress(cfg.listenHost(), cfg.listenPort()))
        .maxInboundMessageSize(64 << 20)
        .addService(control).addService(dispatcherProxy).addService(worker.engineService())
        .build().start();
    Optional<SwarmState> state = SwarmState.load(cfg.dataRoot());
    if (state.isPresent()) rejoin(state.get());
    LOG.info("jswarm daemon " + Version.get() + " node " + nodeId + " (" + cfg.nodeName() + ") listening on "
        + cfg.socket() + " and " + cfg.listenHost() + ":" + cfg.listenPort());
  }

  /** After a restart: reopen the store from disk and take up both roles again. */
  private void rejoin(SwarmState s) throws IOException {
    if (s.manager()) {
      startManager(List.of());
    }
    worker.startAgent(s.managerAddrs());
  }

  private void startManager(List<Member> initialMembers) throws IOException {
    RaftStoreConfig rc = RaftStoreConfig.defaults(cfg.dataRoot().resolve("raft"), nodeId, cfg.raftAddr(), initialMembers);
    store = RaftStore.open(rc);
    Manager m = new Manager(store, worker.imageResolver());
    dispatcherProxy.set(m.dispatcher());
    m.start();
    manager = m;
  }

  @Override
  public synchronized InitSwarmResponse init(InitSwarmRequest req) throws StatusException {
    if (manager != null || worker.agentRunning()) {
      throw Status.FAILED_PRECONDITION.withDescription(
          "This node is already part of a swarm. Use \"jswarm swarm leave\" to leave this swarm and join another one.").asException();
    }
    if (!req.getListenAddr().isEmpty()
        && !req.getListenAddr().equals(cfg.listenHost() + ":" + cfg.listenPort())) {
      throw Status.INVALID_ARGUMENT.withDescription("this daemon listens on " + cfg.listenHost() + ":" + cfg.listenPort()
          + "; set the listen address with \"jswarm daemon --listen-addr\"").asException();
    }
    String clusterId = Ids.newId();
    try {
      startManager(List.of(new Member(nodeId, cfg.raftAddr())));
      awaitLeader(Duration.ofSeconds(30));
      long now = System.currentTimeMillis();
      store.update(tx -> {
        tx.create(Cluster.newBuilder().setId(clusterId).setCreatedAtMs(now).setSpec(ClusterSpec.newBuilder()
            .setHeartbeatPeriodMs(Dispatcher.DEFAULT_HEARTBEAT_MS)
            .setNodeDownGraceMs(Dispatcher.DEFAULT_GRACE_MS)
            .setTaskHistoryLimit(TaskReaper.DEFAULT_HISTORY_LIMIT)
            .setSnapshotInterval(RaftStoreConfig.DEFAULT_SNAPSHOT_INTERVAL)
            .setElectionTimeoutMs(RaftStoreConfig.DEFAULT_ELECTION_TIMEOUT_MAX.toMillis())).build());
        tx.create(Node.newBuilder().setId(nodeId).setRole(NodeSpec.Role.MANAGER)
            .setSpec(NodeSpec.newBuilder().setName(cfg.nodeName()).setDesiredRole(NodeSpec.Role.MANAGER))
            .setDescription(worker.description())
            .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.UNKNOWN).setAddr(cfg.advertiseAddr()))
            .setManagerStatus(ManagerStatus.newBuilder().setRaftId(nodeId).setAddr(cfg.advertiseAddr())
                .setRaftAddr(cfg.raftAddr()).setReachability(ManagerStatus.Reachability.REACHABLE))
            .build());
      });
      List<String> managers = List.of(cfg.advertiseAddr());
      new SwarmState(clusterId, nodeId, true, managers).save(cfg.dataRoot());
      worker.startAgent(managers);
    } catch (Exception e) {
      stopManager();
      deleteRecursively(cfg.dataRoot().resolve("raft"));
      throw Status.INTERNAL.withDescription("swarm init failed: " + e.getMessage()).withCause(e).asException();
    }
    return InitSwarmResponse.newBuilder().setNodeId(nodeId).setClusterId(clusterId).build();
  }

  private void awaitLeader(Duration timeout) throws InterruptedException, StatusException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!store.isLeader()) {
      if (System.nanoTime() > deadline) {
        throw Status.UNAVAILABLE.withDescription("no Raft leader was elected within " + timeout.toSeconds() + " s").asException();
      }
      Thread.sleep(20); // polling a flag the Ratis thread sets; bounded by the deadline above
    }
  }

  @Override
  public InfoResponse.Builder localInfo() {
    return InfoResponse.newBuilder()
        .setNodeId(nodeId)
        .setNodeName(cfg.nodeName())
        .setVersion(Version.get())
        .setDataRoot(cfg.dataRoot().toString())
        .setListenAddr(cfg.listenHost() + ":" + cfg.listenPort())
        .setSwarmActive(manager != null || worker.agentRunning())
        .setContainersRunning(worker.runningContainers())
        .setImages(worker.imageCount());
  }

  @Override
  public Optional<Manager> manager() {
    return Optional.ofNullable(manager);
  }

  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  private void stopManager() {
    dispatcherProxy.set(null);
    if (manager != null) manager.close();
    manager = null;
    if (store != null) store.close();
    store = null;
  }

  /** Stops the daemon; containers keep running under conmon and are re-adopted on restart. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    worker.close();
    stopManager();
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

  private static void deleteRecursively(Path p) {
    if (!Files.exists(p)) return;
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // leftovers of a failed init are overwritten by the next one
    }
  }
}
