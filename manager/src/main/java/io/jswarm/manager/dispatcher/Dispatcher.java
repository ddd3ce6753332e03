package io.jswarm.manager.dispatcher;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.Assignments;
import io.jswarm.api.ClusterSpec;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.HeartbeatAck;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The leader's side of every worker session (see dispatcher.proto). Three loops: pushing task
 * assignments when the store changes, writing batched status reports to the store, and marking
 * nodes DOWN when their heartbeats stop for longer than the grace period.
 */
public final class Dispatcher extends DispatcherGrpc.DispatcherImplBase implements LeaderComponent {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
  public static final long DEFAULT_HEARTBEAT_MS = 500;
  public static final long DEFAULT_GRACE_MS = 2_000;

  private final RaftStore store;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Report> reports = new LinkedBlockingQueue<>();
  private volatile boolean running;
  private final List<Thread> threads = new ArrayList<>();

  private record Report(String nodeId, TaskStatusUpdate update) {}
  private final StatusWriter statusWriter;

  public Dispatcher(RaftStore store) {
    this.store = store;
    this.statusWriter = new StatusWriter(store);
  }

  @Override
  public synchronized void start() {
    if (running) return;
    running = true;
    long now = System.currentTimeMillis();
    // A new leader gives every node a full grace period to reconnect before judging it.
    for (Node n : store.read(v -> v.nodes())) lastSeen.put(n.getId(), now);
    threads.add(spawn("dispatcher-assign", this::assignLoop));
    threads.add(spawn("dispatcher-status", this::statusLoop));
    threads.add(spawn("dispatcher-liveness", this::livenessLoop));
  }

  @Override
  public void stop() {
    List<Thread> ts;
    synchronized (this) {
      if (!running) return;
      running = false;
      ts = new ArrayList<>(threads);
      threads.clear();
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
          session.close(Status.fromThrowable(e));
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
      throw Status.UNAVAILABLE.withDescription("this manager is not the leader").asException();
    }
    switch (m.getMsgCase()) {
      case HELLO -> hello(s, m.getHello());
      case HEARTBEAT -> {
        requireHello(s);
        // a node removed with "node rm" loses its session at its next heartbeat
        if (store.read(v -> v.node(s.nodeId)).isEmpty()) {
          throw Status.PERMISSION_DENIED.withDescription("node " + s.nodeId + " was removed from the swarm").asException();
        }
        lastSeen.put(s.nodeId, System.currentTimeMillis());
        s.send(DispatcherMessage.newBuilder()
            .setHeartbeatAck(HeartbeatAck.newBuilder().setPeriodMs(heartbeatMs())).build());
      }
      case STATUS -> {
        requireHello(s);
        lastSeen.put(s.nodeId, System.currentTimeMillis());
        for (TaskStatusUpdate u : m.getStatus().getUpdatesList()) reports.add(new Report(s.nodeId, u));
      }
      default -> throw Status.INVALID_ARGUMENT.withDescription("empty worker message").asException();
    }
  }

  private static void requireHello(Session s) throws Exception {
    if (s.nodeId == null) throw Status.FAILED_PRECONDITION.withDescription("send Hello first").asException();
  }

  private void hello(Session s, Hello h) throws Exception {
    String id = h.getNodeId();
    if (s.caller != null && !s.caller.equals(id)) {
      throw Status.PERMISSION_DENIED.withDescription("node " + s.caller + " cannot open a session as node " + id).asException();
    }
    if (store.read(v -> v.node(id)).isEmpty()) {
      throw Status.PERMISSION_DENIED.withDescription("node " + id + " is not part of this swarm; join it first").asException();
    }
    s.nodeId = id;
    Session old = sessions.put(id, s);
    if (old != null && old != s) old.close(Status.ABORTED.withDescription("replaced by a newer session"));
    lastSeen.put(id, System.currentTimeMillis());
    store.update(tx -> tx.node(id).ifPresent(n -> tx.update(n.toBuilder()
        .setDescription(h.getDescription())
        .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr(h.getAddr()))
        .build())));
    s.send(DispatcherMessage.newBuilder()
        .setHeartbeatAck(HeartbeatAck.newBuilder().setPeriodMs(heartbeatMs())).build());
    s.send(assignmentsFor(id));
    s.sendIfChanged(nodeUpdateFor(id));
    s.sendIfChanged(networkStateFor(id));
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

  private void assignLoop() {
    List<String> lastManagerAddrs = null;
    try (Watch<Void> w = store.watch()) {
      while (running) {
        List<StoreEvent> events = w.poll(Duration.ofSeconds(1));
        Set<String> nodes = new HashSet<>();
        Set<String> changedNodes = new HashSet<>();
        boolean networks = false;
        boolean cluster = false; // the swarm's roots (CA rotation) and registry secret travel in every node's update
        for (StoreEvent e : events) {
          networks |= touchesNetworks(e);
          cluster |= e.object().hasCluster();
          if (e.object().hasNode()) changedNodes.add(e.object().getNode().getId());
          if (e.oldObject() != null && e.oldObject().hasTask()) nodes.add(e.oldObject().getTask().getNodeId());
          if (e.newObject() != null && e.newObject().hasTask()) nodes.add(e.newObject().getTask().getNodeId());
        }
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

  private void livenessLoop() {
    try {
      while (running) {
        Thread.sleep(Math.max(100, heartbeatMs() / 2));
        long now = System.currentTimeMillis();
        long grace = graceMs();
        List<String> late = new ArrayList<>();
        for (Node n : store.read(v -> v.nodes())) {
          if (n.getStatus().getState() == NodeStatus.State.DOWN) continue;
          long seen = lastSeen.computeIfAbsent(n.getId(), k -> now);
          if (now - seen > grace) late.add(n.getId());
        }
        if (late.isEmpty()) continue;
        try {
          store.update(tx -> {
            for (String id : late) {
              tx.node(id).ifPresent(n -> tx.update(n.toBuilder().setStatus(n.getStatus().toBuilder()
                  .setState(NodeStatus.State.DOWN).setMessage("heartbeat failure")).build()));
            }
          });
          for (String id : late) {
            Session s = sessions.remove(id);
            if (s != null) s.close(Status.UNAVAILABLE.withDescription("heartbeat missed"));
          }
        } catch (Exception e) {
          LOG.log(Level.FINE, "marking nodes down failed", e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ClusterSpec clusterSpec() {
    return store.read(v -> v.cluster().map(c -> c.getSpec()).orElse(ClusterSpec.getDefaultInstance()));
  }

  private long heartbeatMs() {
    long p = clusterSpec().getHeartbeatPeriodMs();
    return p > 0 ? p : DEFAULT_HEARTBEAT_MS;
  }

  private long graceMs() {
    long g = clusterSpec().getNodeDownGraceMs();
    return g > 0 ? g : DEFAULT_GRACE_MS;
  }
}
