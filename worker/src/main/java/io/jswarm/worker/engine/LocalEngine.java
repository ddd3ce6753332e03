package io.jswarm.worker.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's container engine: images plus containers run by runc under conmon.
 *
 * <pre>
 * dataRoot/images/             see {@link ImageStore}
 * dataRoot/containers/ID/      bundle: config.json, rootfs/ (overlay mount), upper/, work/,
 *                              record.json, ctr.log (CRI), pidfile, conmon.pid, runc.log
 * dataRoot/exits/ID            conmon's exit file: the exit code
 * /run/jswarm/runc-HASH/       runc --root, private to this engine (tmpfs: after a reboot runc has no
 *                              stale state to time out on); dataRoot/runc/ when that already holds
 *                              containers (made by an older daemon) or /run/jswarm cannot be written
 * dataRoot/sock/               conmon attach sockets
 * </pre>
 *
 * Containers live in cgroup {@code /jswarm-<nodeName>/<id>} so that several daemons can share a
 * machine. They survive this object and the JVM: a new engine on the same data root finds them
 * through their records and asks runc and the exit files for their state.
 */
public final class LocalEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEngine.class);
  private static final long EXIT_POLL_MS = 100;
  private static final long KILL_WAIT_MS = 10_000;

  private final Path dataRoot;
  private final Path containers;
  /** Logs of removed containers, kept (the newest {@link #KEPT_LOGS}) so a finished task's output can still be read. */
  private final Path keptLogs;
  static final int KEPT_LOGS = 200;
  private final Path exits;
  private final Volumes volumes;
  private final Path sockets;
  private final String cgroupParent;
  private final ImageStore images;
  private final Runc runc;
  private final Conmon conmon;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Set<String> removing = ConcurrentHashMap.newKeySet();
  private final Set<String> notified = ConcurrentHashMap.newKeySet();
  private final List<Consumer<ExitEvent>> listeners = new CopyOnWriteArrayList<>();
  private volatile Thread watcher;
  private volatile boolean closed;

  public LocalEngine(Path dataRoot, String nodeName) {
    this(dataRoot, nodeName, which("runc"), which("conmon"));
  }

  public LocalEngine(Path dataRoot, String nodeName, String runcBinary, String conmonBinary) {
    Path root = dataRoot.toAbsolutePath();
    this.dataRoot = root;
    this.containers = root.resolve("containers");
    this.keptLogs = root.resolve("logs");
    this.exits = root.resolve("exits");
    this.volumes = new Volumes(root.resolve("volumes"));
    this.sockets = root.resolve("sock");
    this.cgroupParent = OciSpec.cgroupParent(nodeName);
    try {
      for (Path p : List.of(containers, exits, sockets)) {
        Files.createDirectories(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create engine dirs in " + root, e);
    }
    ContainerDirs.finishRemovals(containers);
    this.images = new ImageStore(root);
    this.runc = new Runc(runcBinary, RuncRoot.choose(root));
    this.conmon = new Conmon(conmonBinary);
    images.setUsage(imageId -> list().stream().filter(c -> c.imageId().equals(imageId)).map(Container::id).toList());
  }

  /** Pulls and pushes through one registry client (one connection pool, one scheme cache). */
  private final io.jswarm.registry.client.DistributionClient registryClient =
      new io.jswarm.registry.client.DistributionClient();
  private volatile ImagePuller puller;

  public ImagePuller puller() {
    if (puller == null) {
      synchronized (this) {
        if (puller == null) {
          puller = new ImagePuller(images, registryClient);
        }
      }
    }
    return puller;
  }

  /** Registries to read from when one cannot be reached (see {@code DistributionClient.setMirrors}). */
  /**
   * The node's TLS identity for registries (the swarm's managers check its certificate; other
   * registries are checked against the JVM's roots). Renewed certificates apply per handshake.
   */
  public void setRegistryTls(javax.net.ssl.SSLContext tls) {
    registryClient.setTls(tls);
  }

  /** Registries that may be spoken to in plain HTTP (daemon --insecure-registry); loopback always may. */
  public void setInsecureRegistries(java.util.Collection<String> registries) {
    registryClient.setInsecureRegistries(registries);
  }

  public void setRegistryMirrors(java.util.function.Function<String, java.util.List<String>> mirrors) {
    registryClient.setMirrors(mirrors);
  }

  private final ClusterImages clusterImages = new ClusterImages(this);

  /**
   * Where the swarm's built-in registry is served (HOST:PORT of managers' registries, the local
   * one first); empty outside a swarm or when the managers serve none. Set by the daemon.
   */
  public void setClusterRegistries(java.util.function.Supplier<java.util.List<String>> registries) {
    clusterImages.setRegistries(registries);
  }

  /** Images of bare names (NAME[:TAG]) in the swarm's built-in registry: import stores, tasks pull. */
  /** The manifest a remote reference names, fetched with this node's registry identity. */
  public io.jswarm.registry.client.DistributionClient.Manifest remoteManifest(String reference) {
    return registryClient.manifest(io.jswarm.registry.client.ImageReference.parse(reference));
  }

  /** See {@link ClusterImages#setMayPush}. */
  public void setClusterPush(java.util.function.BooleanSupplier mayPush) {
    clusterImages.setMayPush(mayPush);
  }

  public ClusterImages clusterImages() {
    return clusterImages;
  }

  /** Logins per registry HOST:PORT (see {@code DistributionClient.setCredentialsFor}). */
  public void setRegistryCredentials(
      java.util.function.Function<String, io.jswarm.registry.client.DistributionClient.Credentials> credentials) {
    registryClient.setCredentialsFor(credentials);
  }

  public ImagePusher pusher() {
    return new ImagePusher(images, registryClient);
  }

  public ImageStore images() {
    return images;
  }

  /** This engine's data root (the runc root is no longer under it: it lives on /run). */
  public Path dataRoot() {
    return dataRoot;
  }

  /** The runc {@code --root} of this engine. */
  public Path runcRoot() {
    return runc.root();
  }

  /** The cgroup path of a container, relative to each controller's mount. */
  public String cgroupPath(String id) {
    return cgroupParent + "/" + id;
  }

  /**
   * Creates a container: an overlay rootfs over the image's layers, an OCI spec, and conmon
   * running {@code runc create}. Returns once runc has created it (status CREATED).
   *
   * @throws NotFoundException the image is not on this node
   * @throws InUseException the id is taken
   */
  public Container create(ContainerConfig cfg) {
    synchronized (lock(cfg.id())) {
      Image image = images.resolve(cfg.image())
          .orElseThrow(() -> new NotFoundException("no such image: " + cfg.image()));
      Path dir = containers.resolve(cfg.id());
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new InUseException("container id " + cfg.id() + " is already in use");
      }
      Container c = new Container(cfg.id(), cfg.taskId(), image.id(), System.currentTimeMillis(), cfg.labels());
      try {
        Files.createDirectories(dir);
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        Files.createDirectory(dir.resolve("upper"));
        Files.createDirectory(dir.resolve("work"));
        Json.writeAtomic(dir.resolve("record.json"), c);
        List<Path> lower = new ArrayList<>(image.layerDirs());
        Collections.reverse(lower);
        Mounts.overlay(lower, dir.resolve("upper"), dir.resolve("work"), rootfs);
        UserSpec user = UserSpec.resolve(cfg.user(), rootfs);
        ContainerConfig resolved = HostFiles.withHostFiles(volumes.resolve(cfg), dir);
        Json.writeAtomic(dir.resolve("config.json"), Json.bytes(OciSpec.generate(resolved, user, cgroupPath(cfg.id()))));
        conmon.create(runc, cfg.id(), dir, new Conmon.CtrFiles(dir), exits, sockets, LogLimits.of(cfg.labels()));
        return c;
      } catch (IOException | RuntimeException e) {
        try {
          removeLocked(cfg.id());
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
        if (e instanceof EngineException ee) {
          throw ee;
        }
        throw new EngineException("cannot create container " + cfg.id() + ": " + e.getMessage(), e);
      }
    }
  }

  /** Starts a created container's process ({@code runc start}). */
  public void start(String id) {
    synchronized (lock(id)) {
      requireRecord(id);
      runc.start(id);
    }
  }

  /**
   * Sends {@code signal} (default SIGTERM), waits up to {@code graceMs} for the exit, then sends
   * SIGKILL and waits for the exit. Returns the final state (STOPPED).
   */
  public ContainerState stop(String id, long graceMs, String signal) {
    synchronized (lock(id)) {
      ContainerState st = state(id);
      if (st.status() == ContainerState.Status.STOPPED) {
        return st;
      }
      String sig = signal == null || signal.isEmpty() ? "SIGTERM" : signal;
      if (runc.state(id).map(s -> s.status().equals("paused")).orElse(false)) {
        // frozen (cgroup v1 freezer) processes never act on a signal: thaw first, as Docker does
        runc.pause(id, false);
        for (java.util.function.BiConsumer<String, Boolean> l : pauseListeners) l.accept(id, false);
      }
      if (st.status() == ContainerState.Status.RUNNING && graceMs > 0) {
        runc.kill(id, sig);
        waitForExit(id, graceMs);
      }
      if (!exitFile(id).toFile().exists()) {
        runc.kill(id, "SIGKILL");
        if (!waitForExit(id, KILL_WAIT_MS)) {
          throw new EngineException("container " + id + " did not exit " + KILL_WAIT_MS + " ms after SIGKILL");
        }
      }
      return state(id);
    }
  }

  /**
   * Removes a container and everything it had on the host: runc state (killing it if it still
   * runs), conmon, the rootfs mount, the cgroup, the exit file and its directory.
   */
  public void remove(String id) {
    synchronized (lock(id)) {
      requireRecord(id);
      removeLocked(id);
    }
    locks.remove(id);
  }

  /** runc's word for the container's state: created, running, paused or stopped. */
  public String runcStatus(String id) {
    requireRecord(id);
    if (exitCode(id).isPresent()) return "stopped";
    return runc.state(id).map(Runc.State::status).orElse("stopped");
  }

  /** Freezes ({@code true}) or thaws a running container; InUseException when it is not in that state. */
  public void pause(String id, boolean pause) {
    synchronized (lock(id)) {
      String now = runcStatus(id);
      if (pause && !now.equals("running")) throw new InUseException("container " + id + " is " + now + ", not running");
      if (!pause && !now.equals("paused")) throw new InUseException("container " + id + " is " + now + ", not paused");
      runc.pause(id, pause);
    }
    for (java.util.function.BiConsumer<String, Boolean> l : pauseListeners) l.accept(id, pause);
  }

  private final List<java.util.function.BiConsumer<String, Boolean>> pauseListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Calls {@code listener} with (container id, paused) after every pause and unpause. */
  public AutoCloseable onPause(java.util.function.BiConsumer<String, Boolean> listener) {
    pauseListeners.add(listener);
    return () -> pauseListeners.remove(listener);
  }

  /** Health of containers with a healthcheck, as the agent's probes last found it (Docker's State.Health.Status). */
  private final Map<String, String> health = new ConcurrentHashMap<>();

  /** Records a container's health: starting, healthy or unhealthy; null forgets it. */
  public void setHealth(String id, String status) {
    if (status == null) {
      health.remove(id);
    } else {
      health.put(id, status);
    }
  }

  /** starting, healthy or unhealthy; "" for a container without a healthcheck. */
  public String health(String id) {
    return health.getOrDefault(id, "");
  }

  public Volumes volumes() {
    return volumes;
  }

  /** Containers whose runtime spec mounts {@code dir} (a volume's directory). */
  public List<String> usersOf(Path dir) {
    List<String> out = new ArrayList<>();
    for (Container c : list()) {
      try {
        var spec = Json.MAPPER.readTree(containers.resolve(c.id()).resolve("config.json").toFile());
        for (var m : spec.path("mounts")) {
          if (m.path("source").asText().equals(dir.toString())) out.add(c.id());
        }
      } catch (IOException e) {
        // no spec yet
      }
    }
    return out;
  }

  /**
   * Runs a command in a running container (a healthcheck probe): its exit code, or -1 when it
   * did not finish within {@code timeoutMs} or could not run.
   */
  public int exec(String id, List<String> cmd, long timeoutMs) {
    try {
      return runc.exec(id, cmd, timeoutMs).exitCode();
    } catch (EngineException e) {
      return -1;
    }
  }

  /** Whether the OOM killer ended the (stopped, not yet removed) container. */
  public boolean oomKilled(String id, int exitCode) {
    return OomCheck.oomKilled(Path.of("/sys/fs/cgroup"), cgroupPath(id), exitCode);
  }

  /** @throws NotFoundException no such container */
  public ContainerState state(String id) {
    Container c = requireRecord(id);
    Optional<Integer> code = exitCode(id);
    if (code.isPresent()) {
      return new ContainerState(id, c.taskId(), ContainerState.Status.STOPPED, 0, code.get());
    }
    Optional<Runc.State> rs = runc.state(id);
    if (rs.isEmpty()) {
      return new ContainerState(id, c.taskId(), ContainerState.Status.STOPPED, 0, -1);
    }
    return switch (rs.get().status()) {
      case "created" -> new ContainerState(id, c.taskId(), ContainerState.Status.CREATED, rs.get().pid(), -1);
      case "running", "paused", "pausing" ->
          new ContainerState(id, c.taskId(), ContainerState.Status.RUNNING, rs.get().pid(), -1);
      default -> new ContainerState(id, c.taskId(), ContainerState.Status.STOPPED, 0,
          waitForExit(id, 2_000) ? exitCode(id).orElse(-1) : -1);
    };
  }

  /** Every container on disk, whatever its state. */
  public List<Container> list() {
    List<Container> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(containers)) {
      for (Path dir : (Iterable<Path>) s::iterator) {
        Path rec = dir.resolve("record.json");
        String name = dir.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(rec) && !removing.contains(name)) {
          try {
            out.add(Json.read(rec, Container.class));
          } catch (UncheckedIOException e) {
            LOG.warn("skipping unreadable container record {}: {}", rec, e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public Optional<Container> get(String id) {
    Path rec = containers.resolve(id).resolve("record.json");
    if (!validId(id) || !Files.isRegularFile(rec) || removing.contains(id)) {
      return Optional.empty();
    }
    return Optional.of(Json.read(rec, Container.class));
  }

  /**
   * Calls {@code listener} once for every container exit this engine sees, including exits that
   * happened before it was created (while the daemon was down). Returns a handle that unregisters.
   */
  public AutoCloseable onExit(Consumer<ExitEvent> listener) {
    listeners.add(listener);
    startWatcher();
    return () -> listeners.remove(listener);
  }

  /** {@link #logs(String, boolean, long, BooleanSupplier, Consumer)} without cancellation. */
  public void logs(String id, boolean follow, long tail, Consumer<LogEntry> consumer) {
    logs(id, follow, tail, () -> false, consumer);
  }

  /**
   * Streams the container's output: the last {@code tail} lines ({@code < 0}: all), then, when
   * {@code follow}, new lines until the container has exited and the log is drained, or until
   * {@code cancelled}.
   */
  public void logs(String id, boolean follow, long tail, BooleanSupplier cancelled, Consumer<LogEntry> consumer) {
    if (get(id).isEmpty()) {
      Path kept = keptLogs.resolve(id + ".log");
      if (!id.matches("[A-Za-z0-9_.-]+") || !Files.exists(kept)) throw new NotFoundException("no such container: " + id);
      LogReader.read(LogReader.withRotated(kept, LogLimits.DEFAULT.maxFiles()), false, tail, () -> true, cancelled,
          consumer);
      return;
    }
    Path log = containers.resolve(id).resolve("ctr.log");
    if (!Files.exists(log)) {
      return;
    }
    LogReader.read(LogReader.withRotated(log, logLimits(id).maxFiles()), follow, tail,
        () -> exitFile(id).toFile().exists() || !Files.exists(containers.resolve(id)), cancelled, consumer);
  }

  /** Stops watching exits. Containers keep running: conmon, not this object, keeps them. */
  @Override
  public void close() {
    closed = true;
    Thread w = watcher;
    if (w != null) {
      w.interrupt();
      try {
        w.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RuncRoot.releaseIfEmpty(runc.root(), dataRoot);
  }

  // ---------------------------------------------------------------- internals

  private Object lock(String id) {
    if (!validId(id)) {
      throw new NotFoundException("no such container: " + id);
    }
    return locks.computeIfAbsent(id, k -> new Object());
  }

  private static boolean validId(String id) {
    return id != null && id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  }

  private Container requireRecord(String id) {
    return get(id).orElseThrow(() -> new NotFoundException("no such container: " + id));
  }

  private Path exitFile(String id) {
    return exits.resolve(id);
  }

  private Optional<Integer> exitCode(String id) {
    try {
      String s = Files.readString(exitFile(id), StandardCharsets.US_ASCII).strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(s));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private boolean waitForExit(String id, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      if (exitCode(id).isPresent()) {
        return true;
      }
      if (System.currentTimeMillis() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private void removeLocked(String id) {
    removing.add(id);
    try {
      Path dir = containers.resolve(id);
      runc.deleteForce(id);
      int conmonPid = Conmon.readPid(dir.resolve("conmon.pid")).orElse(0);
      if (conmonPid > 0) {
        waitGone(conmonPid, id);
      }
      Mounts.unmount(dir.resolve("rootfs"));
      removeCgroups(cgroupPath(id));
      Files.deleteIfExists(exitFile(id));
      FileTrees.deleteRecursively(sockets.resolve(id));
      if (Mounts.isMountPoint(dir.resolve("rootfs"))) {
        throw new EngineException("rootfs of " + id + " is still mounted");
      }
      keepLog(id, dir.resolve("ctr.log"));
      // one rename takes the record away with the directory: a crash from here on leaves a
      // .removing-ID dir that the next start deletes, never an untracked ID dir without its record
      ContainerDirs.removeTree(dir);
      notified.remove(id);
      health.remove(id);
    } catch (IOException e) {
      throw new EngineException("cannot remove container " + id + ": " + e.getMessage(), e);
    } finally {
      removing.remove(id);
    }
  }

  /** Moves a removed container's log aside (as Docker keeps a finished task's), dropping the oldest beyond the cap. */
  private void keepLog(String id, Path log) throws IOException {
    if (!Files.exists(log)) return;
    Files.createDirectories(keptLogs);
    List<Path> rotated = LogRotation.files(log, LogLimits.DEFAULT.maxFiles());
    for (int i = 0; i + 1 < rotated.size(); i++) { // older files, newest first: .1, .2 …
      Path older = rotated.get(rotated.size() - 2 - i);
      Files.move(older, LogRotation.rotated(keptLogs.resolve(id + ".log"), i + 1),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(log, keptLogs.resolve(id + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (var all = Files.list(keptLogs)) {
      List<Path> logs = all.sorted(java.util.Comparator.comparingLong((Path p) -> p.toFile().lastModified()).reversed()).toList();
      for (Path old : logs.subList(Math.min(KEPT_LOGS, logs.size()), logs.size())) Files.deleteIfExists(old);
    }
  }

  /** Waits for conmon to exit after runc delete; kills it if it lingers (it is ours: cmdline has the id). */
  private static void waitGone(int pid, String id) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (Procs.alive(pid) && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (Procs.alive(pid) && Procs.cmdline(pid).contains("conmon") && Procs.cmdline(pid).contains(id)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static void removeCgroups(String cgroupPath) {
    Path base = Path.of("/sys/fs/cgroup");
    List<Path> candidates = new ArrayList<>();
    candidates.add(base.resolve(cgroupPath.substring(1)));
    try (Stream<Path> s = Files.list(base)) {
      s.forEach(ctl -> candidates.add(ctl.resolve(cgroupPath.substring(1))));
    } catch (IOException e) {
      return;
    }
    for (Path p : candidates) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.delete(p);
        } catch (IOException e) {
          LOG.warn("cannot remove cgroup {}: {}", p, e.toString());
        }
      }
    }
  }

  private synchronized void startWatcher() {
    if (watcher != null || closed) {
      return;
    }
    watcher = new Thread(this::watchExits, "engine-exit-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Polls the exit dir: cheap (one readdir) and immune to missed inotify events. */
  private void watchExits() {
    int round = 0;
    while (!closed) {
      if (++round % 2 == 0) {
        rotateLogs();
      }
      try (Stream<Path> s = Files.list(exits)) {
        for (Path f : (Iterable<Path>) s::iterator) {
          String id = f.getFileName().toString();
          if (notified.contains(id) || removing.contains(id)) {
            continue;
          }
          Optional<Integer> code = exitCode(id);
          Optional<Container> c = get(id);
          if (code.isEmpty() || c.isEmpty()) {
            continue;
          }
          notified.add(id);
          ExitEvent ev = new ExitEvent(id, c.get().taskId(), code.get());
          for (Consumer<ExitEvent> l : listeners) {
            try {
              l.accept(ev);
            } catch (RuntimeException e) {
              LOG.warn("exit listener failed for {}", id, e);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("exit watcher: {}", e.toString());
      }
      try {
        Thread.sleep(EXIT_POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private LogLimits logLimits(String id) {
    try {
      return get(id).map(c -> LogLimits.of(c.labels())).orElse(LogLimits.DEFAULT);
    } catch (IllegalArgumentException e) {
      return LogLimits.DEFAULT;
    }
  }

  /** Log limits by container id: read from the record once, as this runs every 200 ms. */
  private final Map<String, LogLimits> logLimitsCache = new ConcurrentHashMap<>();

  /** Rotates the logs of running containers past half their max-size (see {@link LogRotation}). */
  void rotateLogs() {
    List<String> ids;
    try (Stream<Path> s = Files.list(containers)) {
      ids = s.map(p -> p.getFileName().toString()).filter(LocalEngine::validId).toList();
    } catch (IOException e) {
      return;
    }
    logLimitsCache.keySet().retainAll(ids);
    for (String id : ids) {
      Path dir = containers.resolve(id);
      Path log = dir.resolve("ctr.log");
      if (removing.contains(id)) {
        continue;
      }
      LogLimits limits = logLimitsCache.get(id);
      if (limits == null) {
        if (get(id).isEmpty()) {
          continue; // being created: no record yet
        }
        limits = logLimits(id);
        logLimitsCache.put(id, limits);
      }
      if (!LogRotation.due(log, limits) || exitFile(id).toFile().exists()) {
        continue;
      }
      // no container lock: this is the exit watcher's thread, which a long stop must not hold up;
      // a removal racing with it only makes the rotation fail, harmlessly
      try {
        LogRotation.rotate(log, limits, Conmon.readPid(dir.resolve("conmon.pid")).orElse(0));
      } catch (IOException | RuntimeException e) {
        if (!removing.contains(id) && Files.isDirectory(dir)) {
          LOG.warn("log rotation of {} failed: {}", id, e.toString());
        }
      }
    }
  }

  static String which(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    for (String d : dirs) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name).toString();
      }
    }
    return name;
  }
}
