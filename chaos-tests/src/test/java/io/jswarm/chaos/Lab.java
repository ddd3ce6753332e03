package io.jswarm.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A lab cluster for one test class: drives {@code deploy/lab/lab} (network-namespace hosts h1..hN
 * on a bridge, each running a real {@code jswarm daemon}).
 *
 * <p>Every Lab takes a free slot k (1..99), held by a file lock for its lifetime so that labs in
 * other JVMs never take it too, and derives from it names nothing else uses: lab dir
 * {@code /tmp/jswarm-lab-c<k>}, subnet {@code 10.213.(100+k).0/24}, bridge {@code jslab<100+k>},
 * namespaces {@code jc<k>-hN}, node names (and so cgroup parents) {@code c<k>-hN}. A lab left
 * behind by a JVM that died is removed when its slot is next taken. {@link #close} takes the lab
 * down, also when the test failed, after copying the daemons' logs to
 * {@code -Djswarm.lab.logs} (default {@code chaos-tests/target/lab-logs}).
 *
 * <p>The working directory must be the repository root (failsafe is configured so).
 */
public final class Lab implements AutoCloseable {
  /** What a command printed and how it exited. */
  public record Result(int exit, String out, String err) {
    public String all() {
      return out + err;
    }

    public boolean ok() {
      return exit == 0;
    }
  }

  static final Path ROOT = Path.of(System.getProperty("jswarm.repo", "")).toAbsolutePath();
  static final Path SCRIPT = ROOT.resolve("deploy/lab/lab");
  private static final Path SLOTS = Path.of("/tmp/jswarm-lab-slots");
  private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);

  private final String label;
  private final int slot;
  private final FileChannel slotChannel;
  private final FileLock slotLock;
  private final Path dir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Thread shutdownHook;
  private int managers;
  private int hosts;
  private volatile boolean up;
  private volatile boolean closed;

  /** A lab named after a test class (the name shows in log directories). */
  public Lab(Class<?> testClass) {
    this(testClass.getSimpleName());
  }

  public Lab(String label) {
    if (!Files.isExecutable(SCRIPT)) {
      throw new IllegalStateException(SCRIPT + " not found: run from the repository root (or set -Djswarm.repo)");
    }
    this.label = label;
    FileChannel ch = null;
    FileLock lock = null;
    int k = 0;
    try {
      Files.createDirectories(SLOTS);
      for (int i = 1; i <= 99 && lock == null; i++) {
        ch = FileChannel.open(SLOTS.resolve(i + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
          lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
          lock = null; // held by another Lab in this JVM
        }
        if (lock == null) {
          ch.close();
        } else {
          k = i;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (lock == null) throw new IllegalStateException("no free lab slot in " + SLOTS + " (99 labs up?)");
    this.slot = k;
    this.slotChannel = ch;
    this.slotLock = lock;
    this.dir = Path.of("/tmp/jswarm-lab-c" + k);
    env.put("JSWARM_LAB_DIR", dir.toString());
    env.put("JSWARM_LAB_SUBNET", String.valueOf(100 + k));
    env.put("JSWARM_LAB_BRIDGE", "jslab" + (100 + k));
    env.put("JSWARM_LAB_NAME", "jc" + k);
    env.put("JSWARM_LAB_NODE_PREFIX", "c" + k + "-");
    // A test JVM stopped by a signal still takes its lab down.
    this.shutdownHook = new Thread(() -> {
      if (!closed && up) script(Duration.ofMinutes(2), "down");
    }, "lab-down-" + label);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Managers serve the built-in registry on this port of their address (call before {@link #up});
   * labs run without it by default ({@code JSWARM_LAB_REGISTRY=none}).
   */
  public Lab withRegistry(int port) {
    if (up) throw new IllegalStateException("lab " + label + " is up already");
    env.put("JSWARM_LAB_REGISTRY", String.valueOf(port));
    return this;
  }

  /** The managers' registries require a login from the users of this htpasswd file (call before {@link #up}). */
  public Lab withRegistryHtpasswd(Path htpasswd) {
    if (up) throw new IllegalStateException("lab " + label + " is up already");
    env.put("JSWARM_LAB_REGISTRY_HTPASSWD", htpasswd.toAbsolutePath().toString());
    return this;
  }

  /** The daemons may speak plain HTTP to this registry (HOST:PORT; daemon --insecure-registry; call before {@link #up}). */
  public Lab withInsecureRegistry(String hostPort) {
    if (up) throw new IllegalStateException("lab " + label + " is up already");
    env.put("JSWARM_LAB_INSECURE_REGISTRY", hostPort);
    return this;
  }

  /** Brings up M managers and W workers (h1..hM managers, the rest workers) joined in one swarm. */
  public Lab up(int managers, int workers) {
    return up(managers, workers, true);
  }

  /** As {@link #up(int, int)}; without {@code join} only h1 runs {@code swarm init}. */
  public Lab up(int managers, int workers, boolean join) {
    if (up) throw new IllegalStateException("lab " + label + " is up already");
    script(Duration.ofMinutes(3), "down"); // whatever a dead JVM left in this slot
    List<String> args = new ArrayList<>(List.of("up", "--managers", String.valueOf(managers), "--workers", String.valueOf(workers)));
    if (!join) args.add("--no-join");
    this.managers = managers;
    this.hosts = managers + workers;
    this.up = true; // from here on, down() has something to do
    Result r = script(Duration.ofMinutes(10), args.toArray(String[]::new));
    if (!r.ok()) throw new AssertionError("lab up failed (" + r.exit() + "):\n" + r.all());
    return this;
  }

  /** bin/jswarm against HOST's daemon ({@code h1}..{@code hN}). */
  public Result jswarm(String host, String... args) {
    return jswarm(CLI_TIMEOUT, host, args);
  }

  public Result jswarm(Duration timeout, String host, String... args) {
    List<String> a = new ArrayList<>(List.of("exec", host, "jswarm"));
    a.addAll(List.of(args));
    return script(timeout, a.toArray(String[]::new));
  }

  /** As {@link #jswarm(String, String...)}, failing the test unless the command exits 0. */
  public Result jswarmOk(String host, String... args) {
    Result r = jswarm(host, args);
    if (!r.ok()) throw new AssertionError(host + ": jswarm " + String.join(" ", args) + " failed (" + r.exit() + "): " + r.all());
    return r;
  }

  /** A shell command inside HOST's network namespace. */
  public Result sh(String host, String script) {
    return script(CLI_TIMEOUT, "exec", host, "sh", "-c", script);
  }

  /** kill -9 HOST's daemon. */
  public void kill(String host) {
    check(script(Duration.ofMinutes(1), "kill", host), "kill " + host);
  }

  /**
   * kill -9 HOST's daemon from this JVM, by the pid the lab recorded; returns the daemon's handle
   * as soon as the signal is sent, so failover times start at the kill itself and not at the end
   * of the lab script's bookkeeping or of the kernel's teardown of a large process.
   */
  public ProcessHandle killNow(String host) {
    long pid;
    try {
      pid = Long.parseLong(Files.readString(dir.resolve(host).resolve("daemon.pid")).trim());
    } catch (IOException | NumberFormatException e) {
      throw new AssertionError(host + ": no daemon pid recorded", e);
    }
    ProcessHandle daemon = ProcessHandle.of(pid)
        .filter(h -> h.info().commandLine().orElse("").contains(" daemon --data-root " + dir.resolve(host)))
        .orElseThrow(() -> new AssertionError(host + ": daemon " + pid + " does not run"));
    daemon.destroyForcibly();
    return daemon;
  }

  /** Waits (bounded) until a daemon killed by {@link #killNow} is gone. */
  public static void awaitGone(ProcessHandle daemon) {
    await(Duration.ofSeconds(30), () -> !daemon.isAlive(), "daemon " + daemon.pid() + " gone after SIGKILL");
  }

  /**
   * bin/jswarm against HOST's daemon, started directly as a user would type it (no lab script,
   * no network namespace: the unix socket is reachable from here), for timings that include the
   * client JVM's start and nothing else.
   */
  public Result cli(Duration timeout, String host, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/jswarm").toString(),
        "-H", "unix://" + dir.resolve(host).resolve("jswarm.sock")));
    cmd.addAll(List.of(args));
    return exec(cmd, Map.of(), timeout);
  }

  /** SIGTERM HOST's daemon and wait until it exited. */
  public void stop(String host) {
    check(script(Duration.ofMinutes(1), "stop", host), "stop " + host);
  }

  /** Start HOST's daemon again (same arguments) and wait until it answers. */
  public void start(String host) {
    check(script(Duration.ofMinutes(4), "start", host), "start " + host);
  }

  public Result status() {
    return script(Duration.ofMinutes(1), "status");
  }

  /** h1..hN. */
  public List<String> hosts() {
    List<String> h = new ArrayList<>();
    for (int i = 1; i <= hosts; i++) h.add("h" + i);
    return h;
  }

  public List<String> managers() {
    return hosts().subList(0, managers);
  }

  public List<String> workers() {
    return hosts().subList(managers, hosts);
  }

  /** The node name HOST's daemon runs as (what {@code node ls} shows). */
  public String nodeName(String host) {
    return env.get("JSWARM_LAB_NODE_PREFIX") + host;
  }

  /** HOST's address on the lab bridge. */
  public String ip(String host) {
    return "10.213." + (100 + slot) + "." + (10 + Integer.parseInt(host.substring(1)));
  }

  public Path dir() {
    return dir;
  }

  /** The environment that addresses this lab with deploy/lab/lab by hand. */
  public Map<String, String> env() {
    return Map.copyOf(env);
  }

  /** Removes everything the lab made; keeps copies of the daemons' logs. Idempotent. */
  public void down() {
    if (!up) return;
    saveLogs();
    Result r = script(Duration.ofMinutes(3), "down");
    if (!r.ok()) throw new AssertionError("lab down failed (" + r.exit() + "):\n" + r.all());
    up = false;
  }

  @Override
  public void close() {
    try {
      down();
    } finally {
      closed = true;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // the JVM is shutting down already
      }
      try {
        slotLock.release();
        slotChannel.close();
      } catch (IOException ignored) {
        // the lock goes with the JVM anyway
      }
    }
  }

  /** Polls COND (every 200 ms) until it holds, failing with WHAT once TIMEOUT passed. */
  public static void await(Duration timeout, BooleanSupplier cond, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      try {
        Thread.sleep(200); // the poll interval of a deadline-bounded wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }

  private void saveLogs() {
    Path to = Path.of(System.getProperty("jswarm.lab.logs", "chaos-tests/target/lab-logs")).toAbsolutePath().resolve(label);
    try {
      Files.createDirectories(to);
      for (String h : hosts()) {
        Path log = dir.resolve(h).resolve("daemon.log");
        if (Files.exists(log)) Files.copy(log, to.resolve(h + "-daemon.log"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("lab " + label + ": cannot keep the daemons' logs: " + e);
    }
  }

  private static void check(Result r, String what) {
    if (!r.ok()) throw new AssertionError("lab " + what + " failed (" + r.exit() + "): " + r.all());
  }

  private Result script(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(SCRIPT.toString());
    cmd.addAll(List.of(args));
    return exec(cmd, env, timeout);
  }

  /** Runs CMD with output to files (no pipe to fill up), killing it (by its pid) after TIMEOUT. */
  static Result exec(List<String> cmd, Map<String, String> env, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("lab-out", ".txt");
      err = Files.createTempFile("lab-err", ".txt");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        // the script's helpers, not the lab's daemons (they are taken down by `lab down`)
        p.descendants().filter(h -> !h.info().commandLine().orElse("").contains(" daemon --data-root "))
            .forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", cmd) + "\n"
            + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd, e);
    } finally {
      try {
        if (out != null) Files.deleteIfExists(out);
        if (err != null) Files.deleteIfExists(err);
      } catch (IOException ignored) {
        // temp files
      }
    }
  }
}
