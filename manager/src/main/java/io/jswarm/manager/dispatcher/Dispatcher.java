package io.jswarm.manager.dispatcher;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.Assignments;
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
import io.jswarm.api.Task;
import io.jswarm.api.TaskStatusUpdate;
import io.jswarm.api.WorkerMessage;
import io.jswarm.manager.LeaderComponent;
import io.jswarm.manager.network.NetworkStates;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The leader's side of every worker session (see dispatcher.proto). Loops: pushing task
 * assignments when the store changes, writing batched status reports to the store, judging
 * liveness ({@link Liveness}: UNKNOWN after a leader change, DOWN after the grace) and writing
 * node status ({@link NodeStatusWriter}). Session handling (Hello, heartbeats, status reports)
 * never waits on the store: it records what it heard and hands writes and reads to those loops,
 * so a long store pass cannot make a healthy node look dead (see docs/failure-detection.md).
 */
public final class Dispatcher extends DispatcherGrpc.DispatcherImplBase implements LeaderComponent {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
  static final String UNKNOWN_MESSAGE = "leader changed: waiting for the node to reconnect";
  static final String DOWN_MESSAGE = "heartbeat failure";

  private final RaftStore store;
  /** Monotonic milliseconds: a wall-clock step must not make every node look late. */
  private final LongSupplier clock;
  /** False in tests that drive {@link #checkLiveness()} with a fake clock. */
  private final boolean livenessThread;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Liveness liveness = new Liveness();
  private final NodeStatusWriter nodeWriter;
  private final LinkedBlockingQueue<Report> reports = new LinkedBlockingQueue<>();
  /** Held while reading and sending full states, so a Hello's full set and the assign loop's sends stay in read order. */
  private final Object sendLock = new Object();
  private volatile HeartbeatSettings settings = HeartbeatSettings.DEFAULTS;
  private volatile boolean running;
  private final List<Thread> threads = new ArrayList<>();
  private ExecutorService greeter;

  private record Report(String nodeId, TaskStatusUpdate update) {}
  private final StatusWriter statusWriter;

  public Dispatcher(RaftStore store) {
    this(store, () -> System.nanoTime() / 1_000_000, true);
  }

  Dispatcher(RaftStore store, LongSupplier clock, boolean livenessThread) {
    this.store = store;
    this.clock = clock;
    this.livenessThread = livenessThread;
    this.nodeWriter = new NodeStatusWriter(store);
    this.statusWriter = new StatusWriter(store);
  }

  @Override
  public synchronized void start() {
    if (running) return;
    // One read, atomic with the watch: the nodes to judge and the settings to judge them by.
    Watch<List<Node>> w = store.viewAndWatch(v -> {
      settings = HeartbeatSettings.of(v.cluster().map(c -> c.getSpec()).orElse(ClusterSpec.getDefaultInstance()));
      return v.nodes();
    });
    List<String> alive = w.initial().stream()
        .filter(n -> n.getStatus().getState() != NodeStatus.State.DOWN).map(Node::getId).toList();
    // This leader has heard from nobody yet: every node is UNKNOWN, with the longer grace, and
    // keeps its tasks (the orchestrators move tasks off DOWN nodes only).
    liveness.leadershipStarted(alive, clock.getAsLong(), settings);
    nodeWriter.clear();
    for (String id : alive) nodeWriter.submit(id, n -> markUnknown(n));
    greeter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dispatcher-greeter");
      t.setDaemon(true);
      return t;
    });
    running = true; // only now: a Hello may come in the moment it is set, and needs the greeter
    threads.add(spawn("dispatcher-assign", () -> assignLoop(w)));
    threads.add(spawn("dispatcher-status", this::statusLoop));
    threads.add(spawn("dispatcher-node-status", this::nodeStatusLoop));
    if (livenessThread) threads.add(spawn("dispatcher-liveness", this::livenessLoop));
  }

  /** UNKNOWN unless the node was heard from (or went Down) since this leader started. */
  private Node markUnknown(Node n) {
    if (!liveness.isUnknown(n.getId()) || n.getStatus().getState() == NodeStatus.State.DOWN) return n;
    return n.toBuilder().setStatus(n.getStatus().toBuilder()
        .setState(NodeStatus.State.UNKNOWN).setMessage(UNKNOWN_MESSAGE)).build();
  }

  @Override
  public void stop() {
    List<Thread> ts;
    synchronized (this) {
      if (!running) return;
      running = false;
      ts = new ArrayList<>(threads);
      threads.clear();
      greeter.shutdownNow();
    }
    for (Session s : sessions.values()) s.close(Status.UNAVAILABLE.withDescription("manager is no longer the leader"));
    sessions.clear();
    for (Thread t : ts) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Thread spawn(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
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
        for (TaskStatusUpdate u : m.getStatus().getUpdatesList()) reports.add(new Report(s.nodeId, u));
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
   * full states follow on the greeter thread, so the session's heartbeats never queue behind them.
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
    nodeWriter.submit(id, n -> n.toBuilder()
        .setDescription(h.getDescription())
        .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr(h.getAddr()))
        .build());
    synchronized (sendLock) {
      s.send(assignmentsFor(id));
      s.sendIfChanged(nodeUpdateFor(id));
      s.sendIfChanged(networkStateFor(id));
    }
  }

  private DispatcherMessage nodeUpdateFor(String nodeId) {
    return store.read(v -> nodeUpdateFor(v, nodeId, Managers.addrs(v)));
  }

  private static DispatcherMessage nodeUpdateFor(io.jswarm.store.StoreView v, String nodeId, List<String> managerAddrs) {
    NodeUpdate.Builder u = NodeUpdate.newBuilder().addAllManagerAddrs(managerAddrs);
    v.node(nodeId).ifPresent(n -> u.setNode(n.toBuilder().clearMeta().clearStatus()));
    v.cluster().ifPresent(c -> u.setRegistrySecret(c.getRegistrySecret())
        .setTrustedRootsPem(c.getTrustedRootsPem().isEmpty() ? c.getRootCaPem() : c.getTrustedRootsPem()));
    return DispatcherMessage.newBuilder().setNodeUpdate(u).build();
  }

  private void ended(Session s) {
    if (s.nodeId != null) sessions.remove(s.nodeId, s);
  }

  // ------------------------------------------------------------ loops

  private DispatcherMessage assignmentsFor(String nodeId) {
    List<Task> tasks = store.read(v -> v.tasksByNode(nodeId));
    return DispatcherMessage.newBuilder()
        .setAssignments(Assignments.newBuilder().addAllTasks(AssignmentSet.forNode(tasks)))
        .build();
  }

  private DispatcherMessage networkStateFor(String nodeId) {
    io.jswarm.api.NetworkState st = store.read(v -> NetworkStates.forNode(v, nodeId));
    return DispatcherMessage.newBuilder().setNetworkState(st).build();
  }

  /** Whether an event can change what some node must program for its networks. */
  private static boolean touchesNetworks(StoreEvent e) {
    for (var o : new io.jswarm.api.StoreObject[] {e.oldObject(), e.newObject()}) {
      if (o == null) continue;
      if (o.hasNetwork()) return true;
      if (o.hasTask() && o.getTask().getNetworksCount() > 0) return true;
      if (o.hasService() && (o.getService().getEndpoint().getVirtualIpsCount() > 0
          || o.getService().getEndpoint().getPortsCount() > 0)) return true;
    }
    if (e.oldObject() != null && e.newObject() != null && e.newObject().hasNode()) {
      var a = e.oldObject().getNode();
      var b = e.newObject().getNode();
      return a.getStatus().getState() != b.getStatus().getState() || !a.getStatus().getAddr().equals(b.getStatus().getAddr())
          || !a.getIngress().equals(b.getIngress());
    }
    return e.object().hasNode();
  }

  private void assignLoop(Watch<List<Node>> watch) {
    List<String> lastManagerAddrs = null;
    try (Watch<List<Node>> w = watch) {
      while (running) {
        List<StoreEvent> events = w.poll(Duration.ofSeconds(1));
        Set<String> nodes = new HashSet<>();
        Set<String> changedNodes = new HashSet<>();
        boolean networks = false;
        boolean cluster = false; // the swarm's roots (CA rotation) and registry secret travel in every node's update
        for (StoreEvent e : events) {
          networks |= touchesNetworks(e);
          cluster |= e.object().hasCluster();
          noteMembership(e);
          if (e.object().hasNode()) changedNodes.add(e.object().getNode().getId());
          if (e.oldObject() != null && e.oldObject().hasTask()) nodes.add(e.oldObject().getTask().getNodeId());
          if (e.newObject() != null && e.newObject().hasTask()) nodes.add(e.newObject().getTask().getNodeId());
        }
        if (events.isEmpty()) continue;
        synchronized (sendLock) {
          // Network state first: a worker wires a task's networks before it starts the container.
          if (networks) {
            for (Session s : new ArrayList<>(sessions.values())) {
              if (s.nodeId != null) s.sendIfChanged(networkStateFor(s.nodeId));
            }
          }
          for (String n : nodes) {
            Session s = sessions.get(n);
            if (s != null) s.sendIfChanged(assignmentsFor(n));
          }
          if (!changedNodes.isEmpty() || cluster) {
            boolean clusterChanged = cluster;
            // Status and heartbeat-driven fields are cleared from the update, so only changes that
            // matter to the node (role, spec, manager set) travel. A node's update depends only on
            // its own record and the manager set: rebuild it for the nodes that changed, and for
            // every session only when the manager set did (with 1,000 nodes, rebuilding all of
            // them, each reading every node, on each node write kept a core busy for minutes).
            List<String> prevAddrs = lastManagerAddrs;
            List<Session> open = new ArrayList<>(sessions.values());
            java.util.concurrent.atomic.AtomicReference<List<String>> addrsUsed = new java.util.concurrent.atomic.AtomicReference<>();
            Map<Session, DispatcherMessage> updates = store.read(v -> {
              List<String> addrs = Managers.addrs(v);
              addrsUsed.set(addrs);
              boolean all = clusterChanged || !addrs.equals(prevAddrs);
              Map<Session, DispatcherMessage> out = new java.util.HashMap<>();
              for (Session s : open) {
                String id = s.nodeId;
                if (id != null && (all || changedNodes.contains(id))) out.put(s, nodeUpdateFor(v, id, addrs));
              }
              return out;
            });
            lastManagerAddrs = addrsUsed.get();
            updates.forEach(Session::sendIfChanged);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void statusLoop() {
    try {
      while (running) {
        List<Report> batch = new ArrayList<>();
        Report first = reports.poll(1, java.util.concurrent.TimeUnit.SECONDS);
        if (first == null) continue;
        batch.add(first);
        reports.drainTo(batch);
        writeStatuses(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeStatuses(List<Report> batch) throws InterruptedException {
    // never dropped: retried until acknowledged, a contended task split off (StatusWriter)
    statusWriter.write(batch.stream().map(r -> new StatusWriter.Report(r.nodeId(), r.update())).toList(), () -> running);
  }

  /** Follows what the liveness and the settings depend on: nodes joining and leaving, and cluster updates. */
  private void noteMembership(StoreEvent e) {
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

  private void nodeStatusLoop() {
    try {
      nodeWriter.run(() -> running);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Judges liveness every half heartbeat. When this thread itself woke up much later than it
   * asked (the manager was starved or paused), the nodes' heartbeats could not be read meanwhile
   * either, so the lost time is added to every deadline instead of being blamed on the nodes.
   */
  private void livenessLoop() {
    try {
      while (running) {
        long period = Math.max(50, settings.heartbeatMs() / 2);
        long before = System.nanoTime();
        Thread.sleep(period);
        long lateMs = (System.nanoTime() - before) / 1_000_000 - period;
        if (lateMs > period) liveness.extendAll(lateMs);
        checkLiveness();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Marks DOWN (through the node writer) every node past its deadline and ends its session. */
  void checkLiveness() {
    for (String id : liveness.expired(clock.getAsLong())) {
      nodeWriter.submit(id, n -> n.getStatus().getState() == NodeStatus.State.DOWN ? n
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
