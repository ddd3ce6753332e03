package io.jswarm.manager.dispatcher;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ClusterSpec;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.HeartbeatAck;
import io.jswarm.api.LeaderHint;
import io.jswarm.api.Hello;
import io.jswarm.api.Node;
import io.jswarm.api.NodeUpdate;
import io.jswarm.manager.membership.Managers;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.TaskStatusUpdate;
import io.jswarm.api.WorkerMessage;
import io.jswarm.manager.LeaderComponent;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The leader's side of every worker session (see dispatcher.proto). One leader component, in the
 * shape of the others: built from the store, started and stopped on leadership, driven by watch
 * events. Its {@link DispatchLoop} keeps, from the events, which tasks each node is assigned
 * ({@link AssignmentSet}) and what each node must program for its networks
 * ({@link NetworkStates}), and streams each session a complete set at first and then only the
 * changes. Status reports and node status are written by queue drains on their own executors
 * ({@link StatusWriter}, {@link NodeStatusWriter}); liveness ({@link Liveness}: UNKNOWN after a
 * leader change, DOWN after the grace) is judged on a timer. Session handling (Hello,
 * heartbeats, status reports) never waits on the store or on the loop: it records what it heard
 * and hands the rest over, so a long store pass cannot make a healthy node look dead (see
 * docs/failure-detection.md).
 */
public final class Dispatcher extends DispatcherGrpc.DispatcherImplBase implements LeaderComponent {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
  static final String UNKNOWN_MESSAGE = "leader changed: waiting for the node to reconnect";
  static final String DOWN_MESSAGE = "heartbeat failure";

  private final RaftStore store;
  final SecretValues secretValues;
  /** Monotonic milliseconds: a wall-clock step must not make every node look late. */
  private final LongSupplier clock;
  /** False in tests that drive {@link #checkLiveness()} with a fake clock. */
  private final boolean livenessTimer;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Liveness liveness = new Liveness();
  private final NodeStatusWriter nodeWriter;
  private final LinkedBlockingQueue<StatusWriter.Report> reports = new LinkedBlockingQueue<>();
  private final StatusWriter statusWriter;
  private volatile HeartbeatSettings settings = HeartbeatSettings.DEFAULTS;
  private volatile boolean running;
  private DispatchLoop loop;
  private ExecutorService greeter;
  private ExecutorService statusExec;
  private ExecutorService nodeStatusExec;
  private ScheduledExecutorService livenessExec;
  private Drain statusDrain;
  private Drain nodeStatusDrain;

  public Dispatcher(RaftStore store) {
    this(store, () -> null);
  }

  /** @param clusterKey opens the secrets that travel with assignments ({@link SecretValues}) */
  public Dispatcher(RaftStore store, java.util.function.Supplier<byte[]> clusterKey) {
    this(store, () -> System.nanoTime() / 1_000_000, true, clusterKey);
  }

  Dispatcher(RaftStore store, LongSupplier clock, boolean livenessTimer) {
    this(store, clock, livenessTimer, () -> null);
  }

  Dispatcher(RaftStore store, LongSupplier clock, boolean livenessTimer, java.util.function.Supplier<byte[]> clusterKey) {
    this.secretValues = new SecretValues(store, clusterKey);
    this.store = store;
    this.clock = clock;
    this.livenessTimer = livenessTimer;
    this.nodeWriter = new NodeStatusWriter(store);
    this.statusWriter = new StatusWriter(store);
  }

  @Override
  public synchronized void start() {
    if (running) return;
    // The nodes to judge and the settings to judge them by (the loop follows later changes).
    List<Node> nodes = store.read(v -> {
      settings = HeartbeatSettings.of(v.cluster().map(c -> c.getSpec()).orElse(ClusterSpec.getDefaultInstance()));
      return v.nodes();
    });
    List<String> alive = nodes.stream()
        .filter(n -> n.getStatus().getState() != NodeStatus.State.DOWN).map(Node::getId).toList();
    // This leader has heard from nobody yet: every node is UNKNOWN, with the longer grace, and
    // keeps its tasks (the orchestrators move tasks off DOWN nodes only).
    liveness.leadershipStarted(alive, clock.getAsLong(), settings);
    nodeWriter.clear();
    reports.clear();
    greeter = Executors.newSingleThreadExecutor(named("dispatcher-greeter"));
    statusExec = Executors.newSingleThreadExecutor(named("dispatcher-status"));
    nodeStatusExec = Executors.newSingleThreadExecutor(named("dispatcher-node-status"));
    statusDrain = new Drain(statusExec, this::writeStatuses);
    nodeStatusDrain = new Drain(nodeStatusExec, () -> nodeWriter.drain(() -> running));
    loop = new DispatchLoop(store, this);
    running = true; // only now: a Hello may come in the moment it is set, and needs the greeter
    for (String id : alive) submitNodeStatus(id, this::markUnknown);
    loop.start();
    if (livenessTimer) {
      livenessExec = Executors.newSingleThreadScheduledExecutor(named("dispatcher-liveness"));
      scheduleLiveness(System.nanoTime());
    }
  }

  /** UNKNOWN unless the node was heard from (or went Down) since this leader started. */
  private Node markUnknown(Node n) {
    if (!liveness.isUnknown(n.getId()) || n.getStatus().getState() == NodeStatus.State.DOWN) return n;
    return n.toBuilder().setStatus(n.getStatus().toBuilder()
        .setState(NodeStatus.State.UNKNOWN).setMessage(UNKNOWN_MESSAGE)).build();
  }

  @Override
  public void stop() {
    DispatchLoop l;
    List<ExecutorService> execs;
    synchronized (this) {
      if (!running) return;
      running = false;
      l = loop;
      loop = null;
      execs = new ArrayList<>(List.of(greeter, statusExec, nodeStatusExec));
      if (livenessExec != null) execs.add(livenessExec);
      livenessExec = null;
    }
    for (ExecutorService e : execs) e.shutdownNow();
    l.stop();
    for (Session s : sessions.values()) s.close(Status.UNAVAILABLE.withDescription("manager is no longer the leader"));
    sessions.clear();
    for (ExecutorService e : execs) {
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private void submitNodeStatus(String id, java.util.function.UnaryOperator<Node> change) {
    nodeWriter.submit(id, change);
    Drain d = nodeStatusDrain;
    if (d != null) d.request();
  }

  // ------------------------------------------------------------ gRPC

  @Override
  public StreamObserver<WorkerMessage> session(StreamObserver<DispatcherMessage> out) {
    Session session = new Session((ServerCallStreamObserver<DispatcherMessage>) out);
    // who is calling, from the certificate (null only in-process: benchmarks and tests)
    session.caller = io.jswarm.pki.CallerIdentity.current().map(io.jswarm.pki.PeerIdentity::nodeId).orElse(null);
    return new StreamObserver<>() {
      @Override
      public void onNext(WorkerMessage m) {
        try {
          handle(session, m);
        } catch (Exception e) {
          session.close(Status.fromThrowable(e), Status.trailersFromThrowable(e));
        }
      }

      @Override
      public void onError(Throwable t) {
        ended(session);
      }

      @Override
      public void onCompleted() {
        ended(session);
        session.close(Status.OK);
      }
    };
  }

  private void handle(Session s, WorkerMessage m) throws Exception {
    if (!running) {
      throw notLeader();
    }
    switch (m.getMsgCase()) {
      case HELLO -> hello(s, m.getHello());
      case HEARTBEAT -> {
        requireHello(s);
        liveness.heard(s.nodeId, clock.getAsLong(), settings);
        s.send(DispatcherMessage.newBuilder()
            .setHeartbeatAck(HeartbeatAck.newBuilder().setPeriodMs(settings.heartbeatMs())).build());
      }
      case STATUS -> {
        requireHello(s);
        liveness.heard(s.nodeId, clock.getAsLong(), settings);
        for (TaskStatusUpdate u : m.getStatus().getUpdatesList()) reports.add(new StatusWriter.Report(s.nodeId, u));
        statusDrain.request();
      }
      default -> throw Status.INVALID_ARGUMENT.withDescription("empty worker message").asException();
    }
  }

  /** The refusal of a follower, naming the leader's dispatcher when it is known (see LeaderHint). */
  private StatusException notLeader() {
    Metadata trailers = new Metadata();
    store.leaderId().flatMap(leader -> store.read(v -> v.nodes().stream()
            .filter(n -> n.hasManagerStatus() && n.getManagerStatus().getRaftId().equals(leader))
            .map(n -> n.getManagerStatus().getAddr()).filter(a -> !a.isEmpty()).findFirst()))
        .ifPresent(addr -> trailers.put(LeaderHint.KEY, addr));
    return Status.UNAVAILABLE.withDescription("this manager is not the leader").asException(trailers);
  }

  private static void requireHello(Session s) throws Exception {
    if (s.nodeId == null) throw Status.FAILED_PRECONDITION.withDescription("send Hello first").asException();
  }

  /**
   * Records the session and acknowledges at once; the membership check, the READY write and the
   * complete sets follow on the greeter thread, so the session's heartbeats never queue behind them.
   */
  private void hello(Session s, Hello h) throws Exception {
    String id = h.getNodeId();
    if (id.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription("Hello without a node id").asException();
    if (s.caller != null && !s.caller.equals(id)) {
      throw Status.PERMISSION_DENIED.withDescription("node " + s.caller + " cannot open a session as node " + id).asException();
    }
    s.nodeId = id;
    Session old = sessions.put(id, s);
    if (old != null && old != s) old.close(Status.ABORTED.withDescription("replaced by a newer session"));
    liveness.heard(id, clock.getAsLong(), settings);
    s.send(DispatcherMessage.newBuilder()
        .setHeartbeatAck(HeartbeatAck.newBuilder().setPeriodMs(settings.heartbeatMs())).build());
    try {
      greeter.execute(() -> greet(s, h));
    } catch (RejectedExecutionException stopped) {
      throw notLeader();
    }
  }

  private void greet(Session s, Hello h) {
    String id = h.getNodeId();
    if (store.read(v -> v.node(id)).isEmpty()) {
      sessions.remove(id, s);
      liveness.forget(id);
      s.close(Status.PERMISSION_DENIED.withDescription("node " + id + " is not part of this swarm; join it first"));
      return;
    }
    submitNodeStatus(id, n -> n.toBuilder()
        .setDescription(h.getDescription())
        .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr(h.getAddr()))
        .build());
    DispatchLoop l = loop;
    if (l != null) l.greet(s);
  }

  DispatcherMessage nodeUpdateFor(String nodeId) {
    return store.read(v -> nodeUpdateFor(v, nodeId, Managers.addrs(v)));
  }

  static DispatcherMessage nodeUpdateFor(io.jswarm.store.StoreView v, String nodeId, List<String> managerAddrs) {
    NodeUpdate.Builder u = NodeUpdate.newBuilder().addAllManagerAddrs(managerAddrs);
    v.node(nodeId).ifPresent(n -> u.setNode(n.toBuilder().clearMeta().clearStatus()));
    v.cluster().ifPresent(c -> u.setRegistrySecret(c.getRegistrySecret())
        .setTrustedRootsPem(c.getTrustedRootsPem().isEmpty() ? c.getRootCaPem() : c.getTrustedRootsPem()));
    return DispatcherMessage.newBuilder().setNodeUpdate(u).build();
  }

  private void ended(Session s) {
    if (s.nodeId != null) sessions.remove(s.nodeId, s);
  }

  /** The open sessions (the loop sends to them). */
  Map<String, Session> sessions() {
    return sessions;
  }

  // ------------------------------------------------------------ writers and timers

  private void writeStatuses() throws InterruptedException {
    while (running) {
      List<StatusWriter.Report> batch = new ArrayList<>();
      reports.drainTo(batch);
      if (batch.isEmpty()) return;
      // never dropped: retried until acknowledged, a contended task split off (StatusWriter)
      statusWriter.write(batch, () -> running);
    }
  }

  /** Follows what the liveness and the settings depend on: nodes joining and leaving, and cluster updates. */
  void noteMembership(StoreEvent e) {
    var o = e.object();
    if (o.hasCluster() && e.newObject() != null) {
      settings = HeartbeatSettings.of(o.getCluster().getSpec());
    } else if (o.hasNode()) {
      if (e.kind() == StoreEvent.Kind.DELETE) {
        // a node removed with "node rm" loses its session now (its certificate is denied too)
        String id = o.getNode().getId();
        liveness.forget(id);
        Session s = sessions.remove(id);
        if (s != null) s.close(Status.PERMISSION_DENIED.withDescription("node " + id + " was removed from the swarm"));
      } else if (e.kind() == StoreEvent.Kind.CREATE) {
        liveness.track(o.getNode().getId(), clock.getAsLong(), settings);
      }
    }
  }

  /**
   * Judges liveness every half heartbeat. When the timer itself fired much later than asked (the
   * manager was starved or paused), the nodes' heartbeats could not be read meanwhile either, so
   * the lost time is added to every deadline instead of being blamed on the nodes.
   */
  private void scheduleLiveness(long askedAtNs) {
    long period = Math.max(50, settings.heartbeatMs() / 2);
    try {
      livenessExec.schedule(() -> {
        if (!running) return;
        long lateMs = (System.nanoTime() - askedAtNs) / 1_000_000 - period;
        if (lateMs > period) liveness.extendAll(lateMs);
        try {
          checkLiveness();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "liveness check failed", e);
        }
        ScheduledExecutorService ex = livenessExec;
        if (ex != null) scheduleLiveness(System.nanoTime());
      }, period, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      // stopped meanwhile
    }
  }

  /** Marks DOWN (through the node writer) every node past its deadline and ends its session. */
  void checkLiveness() {
    for (String id : liveness.expired(clock.getAsLong())) {
      submitNodeStatus(id, n -> n.getStatus().getState() == NodeStatus.State.DOWN ? n
          : n.toBuilder().setStatus(n.getStatus().toBuilder().setState(NodeStatus.State.DOWN).setMessage(DOWN_MESSAGE)).build());
      Session s = sessions.remove(id);
      if (s != null) s.close(Status.UNAVAILABLE.withDescription("heartbeat missed"));
    }
  }

  /** Node status changes queued but not yet written (tests wait for 0). */
  int nodeStatusBacklog() {
    return nodeWriter.backlog();
  }

  /** The timing in force (tests, and the settings shown to operators). */
  HeartbeatSettings settings() {
    return settings;
  }
}
