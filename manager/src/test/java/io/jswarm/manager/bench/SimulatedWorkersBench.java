package io.jswarm.manager.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.EndpointSpec;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.Placement;
import io.jswarm.api.PortConfig;
import io.jswarm.manager.network.Networks;
import io.jswarm.manager.network.ServiceEndpoints;
import java.util.Map;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.Heartbeat;
import io.jswarm.api.Hello;
import io.jswarm.api.Node;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.Resources;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.StatusReport;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.TaskStatusUpdate;
import io.jswarm.api.WorkerMessage;
import io.jswarm.manager.Manager;
import io.jswarm.manager.scheduler.Scheduler;
import io.jswarm.store.Member;
import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Benchmark (not a test): one manager (single-member Raft store, real Dispatcher over gRPC on
 * loopback) with N in-process simulated workers speaking the dispatcher protocol, then services
 * totalling T replicas. Prints heartbeat overhead, assignment overhead and the time for all T
 * tasks to be RUNNING in the store. Run through bench/sim-workers.sh [NODES] [TASKS].
 *
 * <p>Agents run on their own threads (names starting "agent-"), so their CPU is subtracted from
 * the process CPU to give the manager's share.
 */
public final class SimulatedWorkersBench {
  static final AtomicLong assignMsgs = new AtomicLong();
  static final AtomicLong assignBytes = new AtomicLong();
  static final AtomicLong acks = new AtomicLong();
  static final AtomicLong reportMsgs = new AtomicLong();
  static final AtomicLong reportUpdates = new AtomicLong();
  static final AtomicLong streamErrors = new AtomicLong();
  static final AtomicLong maxAssignBytes = new AtomicLong();
  static final AtomicInteger connected = new AtomicInteger();
  static final AtomicLong netMsgs = new AtomicLong();
  static final AtomicLong netBytes = new AtomicLong();
  static final AtomicLong maxNetBytes = new AtomicLong();
  /** Bytes of NetworkState per node id, for the probe's per-node figure. */
  static final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> netBytesByNode = new java.util.concurrent.ConcurrentHashMap<>();

  /** Overlays in networked mode; each spans one zone (100 of 1,000 nodes), so a node is on one. */
  static final int NETWORKS = 10;
  /** In networked mode every PUBLISH_EVERY-th service also publishes a port on the routing mesh. */
  static final int PUBLISH_EVERY = 25;

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    long timeoutSec = args.length > 2 ? Long.parseLong(args[2]) : 300;
    boolean networked = args.length > 3 && args[3].equals("networked");
    int services = Math.min(100, tasks);
    int channels = Math.max(1, Math.min(8, nodes / 100));
    log("pid " + ProcessHandle.current().pid() + ": " + nodes + " nodes, " + tasks + " tasks in "
        + services + " services, " + channels + " shared channels, timeout " + timeoutSec + "s, "
        + (networked ? NETWORKS + " overlays (service i on overlay i % " + NETWORKS + ", constrained to zone i % 10; every "
            + PUBLISH_EVERY + "th service publishes a port)" : "no networks"));

    Path dir = Files.createTempDirectory("jswarm-simbench");
    int raftPort = freePort();
    RaftStore store = RaftStore.open(RaftStoreConfig.defaults(dir, "m1", "127.0.0.1:" + raftPort,
        List.of(new Member("m1", "127.0.0.1:" + raftPort))));
    waitFor(store::isLeader, 30_000);
    Manager manager = new Manager(store, ref -> Optional.of("sha256:x"));
    manager.start();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(manager.dispatcher()).maxInboundMessageSize(64 << 20).build().start();
    int port = server.getPort();

    // ---- baseline: the leading manager with no nodes and no agents
    Thread.sleep(2_000);
    double[] base = cpuWindow(10_000);
    log(String.format("baseline (0 agents): %.1f ms CPU/s", base[0]));

    // ---- N nodes in one batch per 200 (the store's default limit of changes per entry)
    long t = System.nanoTime();
    for (int from = 0; from < nodes; from += 200) { // a Raft entry holds at most 200 changes
      int f = from;
      store.update(tx -> {
        for (int i = f; i < Math.min(nodes, f + 200); i++) tx.create(node(i));
      });
    }
    log(String.format("created %d nodes in %.0f ms", nodes, ms(t)));

    // ---- agents
    ThreadFactory netThreads = named("agent-net-");
    NioEventLoopGroup elg = new NioEventLoopGroup(2, netThreads);
    ExecutorService agentExec = Executors.newFixedThreadPool(2, named("agent-exec-"));
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, named("agent-timer-"));
    List<ManagedChannel> chans = new ArrayList<>();
    for (int i = 0; i < channels; i++) {
      chans.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
          .eventLoopGroup(elg).channelType(NioSocketChannel.class).executor(agentExec)
          .maxInboundMessageSize(64 << 20).build());
    }
    List<Agent> agents = new ArrayList<>();
    long[] compConnect0 = componentCpuMs();
    t = System.nanoTime();
    for (int i = 0; i < nodes; i++) {
      Agent a = new Agent(nodeId(i), timer);
      agents.add(a);
      a.start(chans.get(i % channels));
    }
    if (!waitFor(() -> connected.get() == nodes, 120_000)) log("only " + connected.get() + " agents got assignments");
    waitFor(() -> store.read(v -> v.nodes().stream().allMatch(n -> n.getStatus().getState() == NodeStatus.State.READY)), 60_000);
    log(String.format("%d agents connected (Hello + first Assignments) in %.0f ms", connected.get(), ms(t)));

    // ---- heartbeat overhead: idle with N agents heartbeating, once the connect backlog is drained
    // (2 s windows until the manager's CPU is below 30% of a core and stops falling, at most 120 s)
    long settle0 = System.nanoTime();
    double prev = Double.MAX_VALUE;
    while (ms(settle0) < 120_000) {
      double w = cpuWindow(2_000)[0];
      if (w < 300 && w > prev * 0.8) break;
      prev = w;
    }
    double settled = ms(settle0) / 1000;
    long[] compConnect1 = componentCpuMs();
    log(String.format("connect backlog drained after %.0f s", settled));
    long acks0 = acks.get();
    double[] hb = cpuWindow(10_000);
    double hbPerSec = (acks.get() - acks0) / 10.0;
    long down = store.read(v -> v.nodes().stream().filter(n -> n.getStatus().getState() != NodeStatus.State.READY).count());
    long idxBeforeServices = store.appliedIndex();
    log(String.format("idle with %d agents: manager %.1f ms CPU/s (agents %.1f), %.0f heartbeats/s, %d nodes not READY",
        nodes, hb[0], hb[1], hbPerSec, down));

    List<String> nets = new ArrayList<>();
    if (networked) {
      for (int i = 0; i < NETWORKS; i++) {
        String id = "net" + i;
        NetworkSpec spec = NetworkSpec.newBuilder().setName(id).setDriver("overlay").setSubnet("10." + (100 + i) + ".0.0/16").build();
        store.update(tx -> tx.create(Networks.allocate(tx, id, spec)));
        nets.add(id);
      }
    }

    // ---- services → convergence
    netMsgs.set(0);
    netBytes.set(0);
    assignMsgs.set(0);
    assignBytes.set(0);
    reportMsgs.set(0);
    reportUpdates.set(0);
    long cpu0 = processCpuNs();
    long[] compConv0 = componentCpuMs();
    long t0 = System.nanoTime();
    int per = tasks / services;
    int extra = tasks % services;
    for (int s = 0; s < services; s++) {
      createService(store, "svc" + s, per + (s < extra ? 1 : 0), networked ? nets.get(s % NETWORKS) : null,
          networked ? s % 10 : -1, networked && s % PUBLISH_EVERY == 0);
    }
    log(String.format("created %d services in %.0f ms", services, ms(t0)));
    double allCreated = -1, allAssigned = -1, allRunning = -1;
    long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSec);
    long lastLog = 0;
    int[] c = new int[3];
    while (System.nanoTime() < deadline) {
      c = store.read(v -> {
        int[] r = new int[3];
        for (Task k : v.tasks()) {
          if (k.getDesiredState() != TaskState.RUNNING) continue;
          r[0]++;
          int st = k.getStatus().getState().getNumber();
          if (st >= TaskState.ASSIGNED.getNumber()) r[1]++;
          if (k.getStatus().getState() == TaskState.RUNNING) r[2]++;
        }
        return r;
      });
      double el = ms(t0) / 1000.0;
      if (allCreated < 0 && c[0] >= tasks) allCreated = el;
      if (allAssigned < 0 && c[1] >= tasks) allAssigned = el;
      if (c[2] >= tasks) {
        allRunning = el;
        break;
      }
      if (System.nanoTime() - lastLog > 5_000_000_000L) {
        lastLog = System.nanoTime();
        log(String.format("t=%.1fs created %d assigned %d running %d; raft index %d; assignments %d msgs %.1f MB; network state %d msgs %.1f MB",
            el, c[0], c[1], c[2], store.appliedIndex(), assignMsgs.get(), assignBytes.get() / 1e6, netMsgs.get(), netBytes.get() / 1e6));
      }
      Thread.sleep(200);
    }
    double convCpu = (processCpuNs() - cpu0) / 1e9;
    long[] compConv1 = componentCpuMs();
    long idx = store.appliedIndex();
    long diskBytes = du(dir);
    long convNetBytes = netBytes.get();
    long convNetMsgs = netMsgs.get();

    // ---- idle at this scale: converged, N agents heartbeating, nothing changing
    Thread.sleep(3_000);
    long[] compIdle0 = componentCpuMs();
    double[] idleAtScale = cpuWindow(10_000);
    long[] compIdle1 = componentCpuMs();

    // ---- probes at this scale: what every leader-component pass pays (each reads every task)
    long p = System.nanoTime();
    List<Task> all = store.read(v -> v.tasks());
    double readAllMs = ms(p);
    List<Node> allNodes = store.read(v -> v.nodes());
    p = System.nanoTime();
    Scheduler.schedule(allNodes, all);
    double schedMs = ms(p);
    Map<String, Long> before = new java.util.HashMap<>();
    netBytesByNode.forEach((k, v) -> before.put(k, v.get()));
    long probeNet0 = netBytes.get();
    p = System.nanoTime();
    createService(store, "probe", 1, networked ? nets.get(0) : null, networked ? 0 : -1, false);
    double createMs = ms(p);
    waitFor(() -> store.read(v -> v.tasksByService("probe").stream()
        .anyMatch(k -> k.getStatus().getState() == TaskState.RUNNING)), 60_000);
    double probeRunMs = ms(p);
    Thread.sleep(1_000); // the RUNNING flag of its endpoint travels after the status write
    long probeNetBytes = netBytes.get() - probeNet0;
    int told = 0;
    for (var e : netBytesByNode.entrySet()) if (e.getValue().get() != before.getOrDefault(e.getKey(), 0L)) told++;
    long onNet0 = networked ? store.read(v -> v.tasks().stream().filter(k -> AssignmentFilter.live(k)
        && k.getNetworksList().stream().anyMatch(a -> a.getNetworkId().equals("net0"))).map(Task::getNodeId).distinct().count()) : 0;

    // ---- table
    String conv = allRunning >= 0 ? String.format("%.1f s", allRunning)
        : String.format("NOT converged in %ds (created %d, assigned %d, running %d)", timeoutSec, c[0], c[1], c[2]);
    System.out.println();
    System.out.println("==== jswarm manager, " + nodes + " simulated workers, " + tasks + " tasks ("
        + services + " services x " + per + ") ====");
    row("baseline manager CPU, 0 agents", String.format("%.1f ms/s", base[0]));
    row("settle after connect (CPU < 30% core)", String.format("%.0f s", settled));
    row("component CPU ms, connect+settle", cpuDelta(compConnect0, compConnect1));
    row("idle manager CPU, " + nodes + " agents", String.format("%.1f ms/s", hb[0]));
    row("heartbeat overhead (minus baseline)", String.format("%.1f ms CPU/s = %.1f%% of one core", hb[0] - base[0], (hb[0] - base[0]) / 10));
    row("heartbeats handled", String.format("%.0f /s (%.1f us CPU each)", hbPerSec, hbPerSec > 0 ? (hb[0] - base[0]) * 1000 / hbPerSec : 0));
    row("all tasks created (desired RUNNING)", allCreated >= 0 ? String.format("%.1f s", allCreated) : "no");
    row("all tasks assigned", allAssigned >= 0 ? String.format("%.1f s", allAssigned) : "no");
    row("all tasks RUNNING (converged)", conv);
    if (allRunning > 0) row("convergence rate", String.format("%.0f tasks/s", tasks / allRunning));
    row("process CPU during convergence", String.format("%.1f s (%.2f cores)", convCpu, allRunning > 0 ? convCpu / allRunning : convCpu / timeoutSec));
    row("component CPU ms, convergence", cpuDelta(compConv0, compConv1));
    row("Assignments messages to agents", String.format("%d (%.1f per node)", assignMsgs.get(), assignMsgs.get() / (double) nodes));
    row("Assignments bytes to agents", String.format("%.1f MB (%.0f B per task, largest msg %d B)", assignBytes.get() / 1e6,
        assignBytes.get() / (double) Math.max(1, tasks), maxAssignBytes.get()));
    row("status reports from agents", String.format("%d msgs, %d updates", reportMsgs.get(), reportUpdates.get()));
    row("Raft entries during convergence", String.valueOf(idx - idxBeforeServices));
    row("Raft entries total (appliedIndex)", String.valueOf(idx));
    row("Raft data dir on disk", String.format("%.1f MB", diskBytes / 1e6));
    row("agent stream errors", String.valueOf(streamErrors.get()));
    row("probe: read all " + all.size() + " tasks", String.format("%.0f ms", readAllMs));
    row("probe: Scheduler.schedule over them", String.format("%.0f ms (0 pending; pure function)", schedMs));
    row("probe: create 1 more service (update)", String.format("%.0f ms", createMs));
    row("probe: ... its task RUNNING", String.format("%.0f ms", probeRunMs));
    row("idle manager CPU, converged", String.format("%.1f ms/s = %.1f%% of one core (agents %.1f)", idleAtScale[0], idleAtScale[0] / 10, idleAtScale[1]));
    row("component CPU ms, 10 s idle converged", cpuDelta(compIdle0, compIdle1));
    row("NetworkState to agents, convergence", String.format("%d msgs, %.1f MB (largest msg %d B)", convNetMsgs, convNetBytes / 1e6, maxNetBytes.get()));
    if (networked) {
      // its service record, its endpoint, then the endpoint's RUNNING flag: three changes
      row("probe on net0: NetworkState sent", String.format("%d B to %d nodes (%d nodes on net0, %d tasks in store): %.0f B/node",
          probeNetBytes, told, onNet0, all.size(), told > 0 ? probeNetBytes / (double) told : 0));
    }
    System.out.printf("FIGURES mode=%s converge_s=%s probe_running_ms=%.0f idle_cpu_pct=%.1f idle_cpu_pct_converged=%.1f"
        + " probe_net_bytes_per_node=%s nodes_told=%d%n",
        networked ? "networked" : "plain", allRunning >= 0 ? String.format("%.1f", allRunning) : "NOT",
        probeRunMs, hb[0] / 10, idleAtScale[0] / 10,
        networked && told > 0 ? String.format("%.0f", probeNetBytes / (double) told) : "-", told);
    System.out.println();
    System.out.flush();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    Runtime.getRuntime().halt(0); // skip the orderly shutdown of 1000 streams
  }

  // -------------------------------------------------------------- the simulated worker

  static final class Agent implements StreamObserver<DispatcherMessage> {
    final String id;
    final ScheduledExecutorService timer;
    final Set<String> seen = new HashSet<>();
    StreamObserver<WorkerMessage> up;
    boolean first = true;
    boolean hbScheduled;

    Agent(String id, ScheduledExecutorService timer) {
      this.id = id;
      this.timer = timer;
    }

    void start(ManagedChannel ch) {
      up = DispatcherGrpc.newStub(ch).session(this);
      send(WorkerMessage.newBuilder().setHello(Hello.newBuilder().setNodeId(id).setNodeName(id)
          .setAddr("127.0.0.1:1").setDescription(NodeDescription.newBuilder().setHostname(id)
              .setResources(Resources.newBuilder().setNanoCpus(8_000_000_000L).setMemoryBytes(32L << 30)))).build());
    }

    synchronized void send(WorkerMessage m) {
      up.onNext(m);
    }

    @Override
    public void onNext(DispatcherMessage m) {
      switch (m.getMsgCase()) {
        case HEARTBEAT_ACK -> {
          acks.incrementAndGet();
          long period = m.getHeartbeatAck().getPeriodMs();
          timer.schedule(() -> send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build()),
              period, TimeUnit.MILLISECONDS);
        }
        case ASSIGNMENTS -> {
          int size = m.getSerializedSize();
          assignMsgs.incrementAndGet();
          assignBytes.addAndGet(size);
          maxAssignBytes.accumulateAndGet(size, Math::max);
          StatusReport.Builder r = StatusReport.newBuilder();
          synchronized (this) {
            if (first) {
              first = false;
              connected.incrementAndGet();
            }
            long now = System.currentTimeMillis();
            for (String gone : m.getAssignments().getRemovedList()) seen.remove(gone);
            for (Task k : m.getAssignments().getTasksList()) {
              if (k.getDesiredState() == TaskState.RUNNING) {
                if (seen.add(k.getId())) {
                  for (TaskState st : new TaskState[] {TaskState.ACCEPTED, TaskState.STARTING, TaskState.RUNNING}) {
                    r.addUpdates(TaskStatusUpdate.newBuilder().setTaskId(k.getId())
                        .setStatus(TaskStatus.newBuilder().setState(st).setTimestampMs(now)));
                  }
                }
              } else if (k.getStatus().getState().getNumber() < TaskState.SHUTDOWN.getNumber() && seen.remove(k.getId())) {
                r.addUpdates(TaskStatusUpdate.newBuilder().setTaskId(k.getId())
                    .setStatus(TaskStatus.newBuilder().setState(TaskState.SHUTDOWN).setTimestampMs(now)));
              }
            }
          }
          if (r.getUpdatesCount() > 0) {
            reportMsgs.incrementAndGet();
            reportUpdates.addAndGet(r.getUpdatesCount());
            send(WorkerMessage.newBuilder().setStatus(r).build());
          }
        }
        case NETWORK_STATE -> {
          int size = m.getSerializedSize();
          netMsgs.incrementAndGet();
          netBytes.addAndGet(size);
          maxNetBytes.accumulateAndGet(size, Math::max);
          netBytesByNode.computeIfAbsent(id, k -> new AtomicLong()).addAndGet(size);
        }
        default -> {}
      }
    }

    @Override
    public void onError(Throwable t) {
      if (streamErrors.incrementAndGet() <= 5) log("agent " + id + " stream error: " + t);
    }

    @Override
    public void onCompleted() {
      if (streamErrors.incrementAndGet() <= 5) log("agent " + id + " stream completed by manager");
    }
  }

  // -------------------------------------------------------------- objects

  static String nodeId(int i) {
    return String.format("node%05d", i);
  }

  static Node node(int i) {
    return Node.newBuilder().setId(nodeId(i))
        .setSpec(NodeSpec.newBuilder().setName(nodeId(i)).putLabels("zone", "z" + (i % 10)))
        .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build();
  }

  /**
   * As ControlService creates it (networks resolved, VIPs and published ports allocated in the
   * same transaction); on {@code net} when given, in zone {@code zone} when not negative.
   */
  static void createService(RaftStore store, String id, long replicas, String net, int zone, boolean publish) throws Exception {
    Service base = service(id, replicas);
    ServiceSpec.Builder spec = base.getSpec().toBuilder();
    if (net != null) spec.getTaskBuilder().addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(net));
    if (zone >= 0) spec.getTaskBuilder().setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==z" + zone));
    if (publish) spec.setEndpointSpec(EndpointSpec.newBuilder().addPorts(PortConfig.newBuilder().setTargetPort(80)));
    // the VIP is picked from a read: a scheduler pass placing tasks on the same network can take
    // that address first, and the create is refused at apply; pick again (bounded)
    for (int attempt = 1; ; attempt++) {
      try {
        store.update(tx -> {
          ServiceSpec resolved = ServiceEndpoints.resolveNetworks(tx, spec.build());
          tx.create(base.toBuilder().setSpec(resolved).setEndpoint(ServiceEndpoints.allocate(tx, id, null, resolved)).build());
        });
        return;
      } catch (io.jswarm.store.ConflictException e) {
        if (attempt == 20) throw e;
      }
    }
  }

  /** Tasks whose endpoints exist (as NetworkStates counts them). */
  static final class AssignmentFilter {
    static boolean live(Task t) {
      return !t.getNodeId().isEmpty() && t.getStatus().getState().getNumber() >= TaskState.ASSIGNED.getNumber()
          && t.getStatus().getState().getNumber() <= TaskState.RUNNING.getNumber();
    }
  }

  /** As ControlService creates it: spec version 1, replicated. */
  static Service service(String id, long replicas) {
    return Service.newBuilder().setId(id).setSpecVersion(1)
        .setSpec(ServiceSpec.newBuilder().setName(id)
            .setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))
            .setTask(TaskSpec.newBuilder()
                .setContainer(ContainerSpec.newBuilder().setImage("busybox@sha256:abc"))
                .setRestart(RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.ANY))))
        .build();
  }

  // -------------------------------------------------------------- measuring

  /** {manager ms CPU per s, agents ms CPU per s} over the window. */
  static double[] cpuWindow(long millis) throws InterruptedException {
    long p0 = processCpuNs();
    long a0 = agentCpuNs();
    long t0 = System.nanoTime();
    Thread.sleep(millis);
    long p1 = processCpuNs();
    long a1 = agentCpuNs();
    double secs = (System.nanoTime() - t0) / 1e9;
    double agents = (a1 - a0) / 1e6 / secs;
    return new double[] {(p1 - p0) / 1e6 / secs - agents, agents};
  }

  static long processCpuNs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static long agentCpuNs() {
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo ti : tm.getThreadInfo(tm.getAllThreadIds())) {
      if (ti != null && ti.getThreadName().startsWith("agent-")) {
        long c = tm.getThreadCpuTime(ti.getThreadId());
        if (c > 0) sum += c;
      }
    }
    return sum;
  }

  static final String[] COMPONENTS = {"dispatcher-assign", "dispatcher-status", "dispatcher-liveness",
      "orchestrator", "scheduler", "task-reaper"};

  /** CPU ms of each leader-component thread so far, in COMPONENTS order. */
  static long[] componentCpuMs() {
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    long[] out = new long[COMPONENTS.length];
    for (ThreadInfo ti : tm.getThreadInfo(tm.getAllThreadIds())) {
      if (ti == null) continue;
      for (int i = 0; i < COMPONENTS.length; i++) {
        if (ti.getThreadName().equals(COMPONENTS[i])) out[i] += Math.max(0, tm.getThreadCpuTime(ti.getThreadId())) / 1_000_000;
      }
    }
    return out;
  }

  static String cpuDelta(long[] a, long[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < COMPONENTS.length; i++) sb.append(i == 0 ? "" : ", ").append(COMPONENTS[i]).append(' ').append(b[i] - a[i]);
    return sb.toString();
  }

  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread th = new Thread(r, prefix + n.incrementAndGet());
      th.setDaemon(true);
      return th;
    };
  }

  static boolean waitFor(java.util.function.BooleanSupplier c, long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) return false;
      Thread.sleep(100);
    }
    return true;
  }

  static long du(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (Exception e) {
      return -1;
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  static void row(String k, String v) {
    System.out.printf("  %-40s %s%n", k, v);
  }

  static final long START = System.nanoTime();

  static void log(String s) {
    System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - START) / 1e9, s);
    System.out.flush();
  }
}
