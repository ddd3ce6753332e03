package io.jswarm.worker.agent;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.Assignments;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.Heartbeat;
import io.jswarm.api.Hello;
import io.jswarm.api.StatusReport;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.TaskStatusUpdate;
import io.jswarm.api.WorkerMessage;
import io.jswarm.worker.engine.Container;
import io.jswarm.worker.engine.ContainerConfig;
import io.jswarm.worker.engine.ContainerState;
import io.jswarm.worker.engine.EngineException;
import io.jswarm.worker.engine.Image;
import io.jswarm.worker.engine.LocalEngine;
import io.jswarm.worker.engine.NotFoundException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of the Dispatcher session, and the executor of the tasks it is given.
 *
 * <p>Session: Hello first, then Heartbeats at the period the dispatcher asks for (1 s until it
 * says), and StatusReports in batches; on any error it reconnects to a manager from the list,
 * with backoff, and sends every latest status again. Executor: each session starts with the
 * complete set of this node's tasks and then receives changes ({@link AssignedTasks} folds them
 * into the whole set); {@link Reconciler} compares it with the engine's containers and
 * the agent carries out the plan, one operation at a time per task. It also reconciles on every
 * container exit and every few seconds. Containers outlive the agent: a restarted agent adopts
 * them (a running container whose task is assigned is simply RUNNING) and reports exits that
 * happened while it was down.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  private static final long RECONCILE_EVERY_MS = 5_000;
  /**
   * Longest pause between rounds over the manager list. Kept under the dispatcher's 3 s down grace
   * (and well under the 6 s UNKNOWN grace a new leader gives): a worker that is alive must reach
   * a new leader before that leader declares it Down and replaces its tasks.
   */
  private static final long MAX_BACKOFF_MS = 2_000;
  private static final int MAX_HINTS_IN_A_ROW = 3;

  private final AgentConfig cfg;
  private final LocalEngine engine;
  private final StatusReporter reporter = new StatusReporter();
  /** What the dispatcher streams, complete sets and changes folded into whole states. */
  private final AssignedTasks assignedBook = new AssignedTasks();
  private final NetworkStateBook networkBook = new NetworkStateBook();
  private final TaskSecrets secrets;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Map<String, Task> remembered = new ConcurrentHashMap<>();
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ExecutorService ops = Executors.newCachedThreadPool(daemon("agent-task-op"));
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(daemon("agent-reconcile"));
  private final AtomicBoolean reconcileQueued = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;
  /**
   * The last full set from a dispatcher. Deliberately kept when a session breaks: a node cut off
   * from the managers keeps running its tasks, and only the next full set (every Hello gets one)
   * can stop what it leaves out.
   */
  private volatile List<Task> assignments;
  private volatile long heartbeatMs = 1_000;
  private volatile Session session;
  /** The leader's address named by the manager that last refused our session (see LeaderHint), or null. */
  private volatile String leaderHint;
  private Thread sessionThread;
  private final HealthMonitor health;
  private AutoCloseable exitSubscription;
  private AutoCloseable pauseSubscription;

  /** One open Session stream. */
  private static final class Session {
    final StreamObserver<WorkerMessage> out;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Session(StreamObserver<WorkerMessage> out) {
      this.out = out;
    }

    synchronized void send(WorkerMessage m) {
      if (!done.isDone()) {
        out.onNext(m);
      }
    }
  }

  public Agent(AgentConfig cfg, LocalEngine engine) {
    this.cfg = cfg;
    this.engine = engine;
    this.health = new HealthMonitor(engine, this::requestReconcile);
    this.secrets = new TaskSecrets(TaskSecrets.rootFor(engine.dataRoot()));
  }

  /** Starts the session (in the background) and the executor. Returns at once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("agent already started");
    }
    exitSubscription = engine.onExit(ev -> requestReconcile());
    pauseSubscription = engine.onPause(this::onPause);
    loop.scheduleWithFixedDelay(this::requestReconcile, RECONCILE_EVERY_MS, RECONCILE_EVERY_MS, TimeUnit.MILLISECONDS);
    sessionThread = new Thread(this::sessionLoop, "agent-session");
    sessionThread.setDaemon(true);
    sessionThread.start();
  }

  /** True while a session with a manager is open. */
  public boolean connected() {
    Session s = session;
    return s != null && !s.done.isDone();
  }

  /** Ends the session. Containers keep running; a new agent adopts them. */
  @Override
  public void close() {
    closed = true;
    Session s = session;
    if (s != null) {
      s.done.complete(null);
      try {
        s.out.onCompleted();
      } catch (RuntimeException ignored) {
        // the stream may already be broken
      }
    }
    health.close();
    if (pauseSubscription != null) {
      try {
        pauseSubscription.close();
      } catch (Exception ignored) {
        // the engine forgets it either way
      }
    }
    if (exitSubscription != null) {
      try {
        exitSubscription.close();
      } catch (Exception ignored) {
        // nothing to do
      }
    }
    // no interrupts: an operation cut in half (say, between umount and rmdir) leaves litter
    loop.shutdown();
    ops.shutdown();
    try {
      ops.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
    if (sessionThread != null) {
      sessionThread.interrupt();
      try {
        sessionThread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- session

  private void sessionLoop() {
    int round = 0;
    int next = 0;
    int triedThisRound = 0;
    int hintsInARow = 0;
    while (!closed) {
      List<String> addrs = cfg.managerAddrs().get();
      // A follower that refused us named the leader: go there at once, but not forever (views
      // of the leader can be stale during an election, and two stale hints could ping-pong).
      String hint = leaderHint;
      leaderHint = null;
      boolean hinted = hint != null && hintsInARow < MAX_HINTS_IN_A_ROW;
      hintsInARow = hinted ? hintsInARow + 1 : 0;
      int size = addrs == null ? 0 : addrs.size();
      if (hinted || size > 0) {
        String addr = hinted ? hint : addrs.get(Math.floorMod(next++, size));
        triedThisRound++;
        try {
          if (runSession(addr)) {
            round = 0;
            triedThisRound = 0;
          }
        } catch (RuntimeException e) {
          LOG.info("session with {} failed: {}", addr, e.toString());
        }
      }
      if (closed) {
        return;
      }
      if (leaderHint != null && hintsInARow < MAX_HINTS_IN_A_ROW) {
        continue; // straight to the leader it named
      }
      // Back off per round over the whole list, not per address: with three managers, two of
      // them dead, a per-address backoff left the live one unasked for two long pauses.
      long pause;
      if (triedThisRound < Math.max(1, size)) {
        pause = 50;
      } else {
        long backoff = Math.min(MAX_BACKOFF_MS, 100L << Math.min(round++, 5));
        pause = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        triedThisRound = 0;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Runs one session until it breaks; true if it got as far as a message from the dispatcher. */
  private boolean runSession(String addr) {
    ManagedChannel ch = channels.computeIfAbsent(addr, cfg.dial());
    AtomicBoolean heard = new AtomicBoolean();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    StreamObserver<WorkerMessage> out = DispatcherGrpc.newStub(ch).session(new StreamObserver<>() {
      @Override
      public void onNext(DispatcherMessage m) {
        heard.set(true);
        switch (m.getMsgCase()) {
          case ASSIGNMENTS -> onAssignments(m.getAssignments());
          case NODE_UPDATE -> cfg.onNodeUpdate().accept(m.getNodeUpdate());
          case NETWORK_STATE -> {
            try {
              networkBook.apply(m.getNetworkState()).ifPresent(cfg.networking()::onNetworkState);
            } catch (RuntimeException e) {
              LOG.warn("applying the network state failed", e);
            }
          }
          case HEARTBEAT_ACK -> {
            if (m.getHeartbeatAck().getPeriodMs() > 0) {
              heartbeatMs = m.getHeartbeatAck().getPeriodMs();
            }
          }
          default -> { }
        }
      }

      @Override
      public void onError(Throwable t) {
        leaderHint = io.jswarm.api.LeaderHint.from(t);
        ended.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    });
    Session s = new Session(out);
    // this session starts from complete sets again; until they come, what is known stays in force
    assignedBook.sessionStarted();
    networkBook.sessionStarted();
    ended.whenComplete((v, e) -> s.done.complete(null));
    s.send(WorkerMessage.newBuilder().setHello(Hello.newBuilder().setNodeId(cfg.nodeId()).setNodeName(cfg.nodeName())
        .setDescription(cfg.description()).setAddr(cfg.engineAddr())).build());
    session = s;
    reporter.resendAll();
    flushStatuses();
    LOG.info("session opened with {}", addr);
    while (!closed && !s.done.isDone()) {
      try {
        s.done.get(heartbeatMs, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        s.send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        break;
      }
    }
    s.done.complete(null);
    if (!ended.isDone()) {
      try {
        out.onCompleted();
      } catch (RuntimeException ignored) {
        // already broken
      }
    }
    if (ended.isCompletedExceptionally()) {
      ended.exceptionally(t -> {
        io.grpc.Status.Code c = io.grpc.Status.fromThrowable(t).getCode();
        if (c == io.grpc.Status.Code.PERMISSION_DENIED || c == io.grpc.Status.Code.UNAUTHENTICATED) {
          // not a network hiccup: the managers refuse this node (removed, or a certificate they do not trust)
          LOG.warn("the manager at {} refused this node's session: {}", addr, io.grpc.Status.fromThrowable(t).getDescription());
        } else {
          LOG.info("session with {} ended: {}", addr, t.toString());
        }
        return null;
      });
    }
    return heard.get();
  }

  private void flushStatuses() {
    Session s = session;
    if (s == null || s.done.isDone()) {
      return;
    }
    List<TaskStatusUpdate> batch = reporter.takePending();
    if (!batch.isEmpty()) {
      s.send(WorkerMessage.newBuilder().setStatus(StatusReport.newBuilder().addAllUpdates(batch)).build());
    }
  }

  /**
   * A task's container was frozen or thawed on this node (`container pause`): the task stays
   * RUNNING (as in Swarm) and its status message says "paused" until it is thawed.
   */
  private void onPause(String containerId, boolean paused) {
    TaskStatus cur = reporter.latest(containerId);
    if (cur == null || cur.getState() != TaskState.RUNNING) return;
    report(containerId, cur.toBuilder().setMessage(paused ? StatusReporter.PAUSED : "started")
        .setTimestampMs(System.currentTimeMillis()).build());
  }

  private void report(String taskId, TaskStatus status) {
    if (reporter.update(taskId, status)) {
      LOG.info("task {} → {} {}", taskId, status.getState(), status.getErr());
      flushStatuses();
    }
  }

  // ---------------------------------------------------------------- executor

  private void onAssignments(Assignments message) {
    Optional<List<Task>> all = assignedBook.apply(message);
    if (all.isEmpty()) {
      LOG.warn("assignment changes before this session's complete set ignored");
      return;
    }
    secrets.received(message.getSecretsList(), all.get());
    Map<String, TaskState> floors = new HashMap<>();
    for (Task t : all.get()) {
      floors.put(t.getId(), t.getStatus().getState());
      remembered.put(t.getId(), t);
    }
    synchronized (this) {
      reporter.setFloors(floors);
      assignments = all.get();
    }
    requestReconcile();
  }

  private void requestReconcile() {
    if (closed || !reconcileQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      loop.execute(() -> {
        reconcileQueued.set(false);
        try {
          reconcile();
        } catch (RuntimeException e) {
          LOG.warn("reconcile failed", e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      reconcileQueued.set(false);
    }
  }

  /** A failed container the OOM killer ended says so, not just "non-zero exit (137)". */
  private TaskStatus oomAware(TaskStatus st) {
    if (st.getState() != TaskState.FAILED || !st.hasContainer() || st.getContainer().getExitCode() <= 0) return st;
    String id = st.getContainer().getContainerId();
    if (id.isEmpty() || !engine.oomKilled(id, st.getContainer().getExitCode())) return st;
    return st.toBuilder().setErr("task: OOM killed (memory limit reached; exit " + st.getContainer().getExitCode() + ")").build();
  }

  /** HEALTHCHECKs of images, by task id (empty: the image has none); found once per task. */
  private final Map<String, Optional<io.jswarm.api.HealthConfig>> imageHealth = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The task with its image's HEALTHCHECK when the service names none (as Docker: the service's
   * --health-* flags override the image, --no-healthcheck (test NONE) disables both).
   */
  private Task withImageHealthcheck(Task t) {
    if (t.getSpec().getContainer().getHealthcheck().getTestCount() > 0) return t;
    Optional<io.jswarm.api.HealthConfig> h = imageHealth.computeIfAbsent(t.getId(), id -> {
      Optional<Image> img = engine.images().resolve(TaskContainers.imageRef(t));
      if (img.isEmpty()) img = engine.images().resolve(TaskContainers.imageName(t));
      return img.map(Image::healthcheck);
    });
    if (h.isEmpty()) {
      if (engine.get(t.getId()).isEmpty()) imageHealth.remove(t.getId()); // not pulled yet: ask again later
      return t;
    }
    return t.toBuilder().setSpec(t.getSpec().toBuilder().setContainer(
        t.getSpec().getContainer().toBuilder().setHealthcheck(h.get()))).build();
  }

  private void reconcile() {
    List<Task> assigned;
    Map<String, TaskState> reported;
    synchronized (this) {
      assigned = assignments;
      reported = reporter.reported();
    }
    if (assigned == null || closed) {
      return; // never act before the first assignments: every container would look orphaned
    }
    List<Task> tasks = assigned.stream().map(this::withImageHealthcheck).toList();
    // busy first: an operation that ends while the states are read must not be judged on them
    Set<String> busyNow = Set.copyOf(busy);
    Map<String, ContainerState> states = new HashMap<>();
    for (Container c : engine.list()) {
      try {
        states.put(c.id(), engine.state(c.id()));
      } catch (NotFoundException gone) {
        // removed meanwhile
      }
    }
    List<Task> runningNow = new java.util.ArrayList<>();
    for (Task t : tasks) {
      ContainerState c = states.get(t.getId());
      if (c != null && c.status() == ContainerState.Status.RUNNING && t.getDesiredState() == TaskState.RUNNING) runningNow.add(t);
    }
    health.watch(runningNow);
    List<Action> plan = Reconciler.plan(tasks, states, reported, busyNow, remembered, System.currentTimeMillis(), health::status);
    for (Action action : plan) {
      if (action instanceof Action.Report r) {
        report(r.taskId(), oomAware(r.status()));
      } else if (action instanceof Action.Start st) {
        submit(st.task().getId(), () -> runTask(st.task()));
      } else if (action instanceof Action.StopAndRemove s) {
        submit(s.containerId(), () -> stopAndRemove(s));
      } else if (action instanceof Action.Remove r) {
        submit(r.containerId(), () -> remove(r.containerId()));
      }
    }
    remembered.keySet().removeIf(id -> tasks.stream().noneMatch(t -> t.getId().equals(id)) && !states.containsKey(id));
    try {
      // A fresh look, busy first again: the starts just submitted wire their namespaces before their
      // containers exist, so judging them on the snapshot above would tear down a starting task's network.
      Set<String> busyAfter = new java.util.HashSet<>(busy);
      busyAfter.addAll(busyNow);
      Set<String> containers = new java.util.HashSet<>();
      for (Container c : engine.list()) containers.add(c.id());
      cfg.networking().collect(containers, busyAfter);
      secrets.collect(containers, busyAfter);
    } catch (RuntimeException e) {
      LOG.warn("collecting unused network namespaces failed", e);
    }
    imageHealth.keySet().removeIf(id -> tasks.stream().noneMatch(t -> t.getId().equals(id)));
  }

  private void submit(String id, Runnable op) {
    if (!busy.add(id)) {
      return;
    }
    try {
      ops.execute(() -> {
        try {
          op.run();
        } catch (RuntimeException e) {
          LOG.warn("operation on {} failed", id, e);
        } finally {
          busy.remove(id);
          requestReconcile();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      busy.remove(id);
    }
  }

  /** ACCEPTED → PREPARING (image, create) → STARTING → RUNNING, or REJECTED/FAILED with the reason. */
  private void runTask(Task assigned) {
    String id = assigned.getId();
    long now = System.currentTimeMillis();
    report(id, Reconciler.status(TaskState.ACCEPTED, "accepted", "", null, now));
    Task t;
    try {
      t = TaskHostname.resolved(assigned, cfg.description().getHostname().isEmpty() ? cfg.nodeName()
          : cfg.description().getHostname());
    } catch (IllegalArgumentException e) {
      report(id, Reconciler.status(TaskState.REJECTED, "rejected", e.getMessage(), null, now));
      return;
    }
    report(id, Reconciler.status(TaskState.PREPARING, "preparing", "", null, now));
    Optional<Container> existing = engine.get(id);
    if (existing.isEmpty()) {
      String ref = TaskContainers.imageRef(t);
      Optional<Image> image = engine.images().resolve(ref);
      if (image.isEmpty() && TaskContainers.pullable(t)) {
        try {
          String imageId = engine.puller().pull(TaskContainers.pullRef(t), (d, s, st) -> { }).getId();
          image = engine.images().resolve(imageId);
        } catch (RuntimeException e) {
          report(id, Reconciler.status(TaskState.REJECTED, "rejected",
              "cannot pull image " + TaskContainers.pullRef(t) + ": " + e.getMessage(), null, System.currentTimeMillis()));
          return;
        }
      }
      String clusterError = null;
      if (image.isEmpty() && !TaskContainers.pullable(t) && !t.getImageDigest().isEmpty()) {
        // a bare name pinned by the manager: the swarm's registry holds it (jswarm image import)
        try {
          Optional<String> pulled = engine.clusterImages().pullPinned(TaskContainers.imageName(t), t.getImageDigest());
          if (pulled.isPresent()) image = engine.images().resolve(pulled.get());
        } catch (RuntimeException e) {
          clusterError = e.getMessage();
        }
      }
      if (image.isEmpty() && TaskContainers.mayRunByName(t, engine.clusterImages().registries())) {
        // A swarm without a registry pins each image by the manager's local id, which an image
        // imported on each node does not share: only there does the name the user gave decide.
        image = engine.images().resolve(TaskContainers.imageName(t));
      }
      if (image.isEmpty()) {
        report(id, Reconciler.status(TaskState.REJECTED, "rejected", clusterError != null ? clusterError
            : TaskContainers.missingImage(t, cfg.nodeName()), null, System.currentTimeMillis()));
        return;
      }
      TaskNetworking.Prepared net;
      try {
        net = cfg.networking().prepare(t);
      } catch (Exception e) {
        LOG.warn("network set-up of task {} failed", id, e);
        cfg.networking().release(id);
        report(id, Reconciler.status(TaskState.REJECTED, "rejected", "network: " + e.getMessage(), null, System.currentTimeMillis()));
        return;
      }
      try {
        ContainerConfig cc = TaskContainers.config(t, image.get(), net, secrets.prepare(t));
        engine.create(cc);
      } catch (IllegalArgumentException | EngineException e) {
        cfg.networking().release(id);
        secrets.release(id);
        report(id, Reconciler.status(TaskState.REJECTED, "rejected", e.getMessage(), null, System.currentTimeMillis()));
        return;
      }
    }
    report(id, Reconciler.status(TaskState.STARTING, "starting", "", null, System.currentTimeMillis()));
    if (engine.state(id).status() != ContainerState.Status.CREATED) {
      return; // already started (or exited): the next reconcile reports what it is
    }
    try {
      engine.start(id);
    } catch (EngineException e) {
      report(id, Reconciler.status(TaskState.FAILED, "starting", "task: cannot start container: " + e.getMessage(),
          null, System.currentTimeMillis()));
      return;
    }
    ContainerState st = engine.state(id);
    if (HealthMonitor.hasHealthcheck(withImageHealthcheck(t))) {
      requestReconcile(); // RUNNING once a probe passes (HealthMonitor)
    } else if (st.status() == ContainerState.Status.RUNNING) {
      report(id, Reconciler.status(TaskState.RUNNING, "started", "", st, System.currentTimeMillis()));
    }
    // an immediate exit is reported by the next reconcile (exit listener)
  }

  private void stopAndRemove(Action.StopAndRemove s) {
    try {
      ContainerState st = engine.stop(s.containerId(), s.graceMs(), s.signal());
      if (s.report()) {
        report(s.containerId(), Reconciler.status(TaskState.SHUTDOWN, "shutdown", "", st, System.currentTimeMillis()));
      }
      engine.remove(s.containerId());
    } catch (NotFoundException gone) {
      // already removed
    }
    cfg.networking().release(s.containerId());
    secrets.release(s.containerId());
  }

  private void remove(String id) {
    try {
      engine.remove(id);
    } catch (NotFoundException gone) {
      // already removed
    }
    cfg.networking().release(id);
    secrets.release(id);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
