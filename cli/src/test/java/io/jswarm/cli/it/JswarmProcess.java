package io.jswarm.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs bin/jswarm as a user would: a daemon process with its own data root, socket and ports,
 * and client commands against it. Everything it starts it stops, by PID.
 */
final class JswarmProcess implements AutoCloseable {
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static final Path ROOT = Path.of("").toAbsolutePath();
  static final Path BIN = ROOT.resolve("bin/jswarm");

  final Path dir;
  final Path dataRoot;
  final Path socket;
  final int port;
  /** The built-in registry's port (a manager serves it on 127.0.0.1), free like the others. */
  final int registryPort;
  final String nodeName;
  private Process daemon;
  /** More `jswarm daemon` flags, given before {@link #startDaemon}. */
  final List<String> daemonArgs = new ArrayList<>();
  /** Runs the daemon through this command (e.g. ip netns exec NS), empty for none. */
  final List<String> daemonPrefix = new ArrayList<>();
  /** The daemon's --bridge: none by default (tests in the machine's own namespace leave nothing in it). */
  String bridge = "none";

  JswarmProcess(Path dir, String nodeName) throws IOException {
    this.dir = dir;
    this.dataRoot = dir.resolve("data");
    this.socket = dir.resolve("jswarm.sock");
    this.port = FreePorts.pair();
    int r;
    do {
      r = FreePorts.pair();
    } while (r == port || r == port + 1 || r + 1 == port);
    this.registryPort = r;
    this.nodeName = nodeName;
  }

  String host() {
    return "unix://" + socket;
  }

  void startDaemon() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(daemonPrefix));
    pb.command().addAll(List.of(BIN.toString(), "daemon", "--data-root", dataRoot.toString(),
        "--host", host(), "--listen-addr", "127.0.0.1:" + port, "--node-name", nodeName,
        "--registry-addr", "127.0.0.1:" + registryPort, "--bridge", bridge));
    pb.command().addAll(daemonArgs);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.log").toFile()));
    daemon = pb.start();
    await(Duration.ofSeconds(60), () -> daemon.isAlive() && run("info").exit() == 0, "daemon answers");
  }

  /** SIGTERM and wait: the daemon exits, its containers keep running under conmon. */
  void stopDaemon() throws InterruptedException {
    if (daemon == null) return;
    daemon.destroy();
    if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
      daemon.destroyForcibly();
      daemon.waitFor(10, TimeUnit.SECONDS);
    }
    daemon = null;
  }

  Result run(String... args) {
    List<String> cmd = new ArrayList<>(List.of(BIN.toString(), "-H", host()));
    cmd.addAll(List.of(args));
    return exec(cmd, Duration.ofMinutes(3));
  }

  static Result exec(List<String> cmd, Duration timeout) {
    try {
      Path out = Files.createTempFile("jswarm-out", ".txt");
      Path err = Files.createTempFile("jswarm-err", ".txt");
      try {
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("timed out after " + timeout + ": " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Result ok(String... args) {
    Result r = run(args);
    if (r.exit() != 0) throw new AssertionError("jswarm " + String.join(" ", args) + " failed (" + r.exit() + "): " + r.all());
    return r;
  }

  static void await(Duration timeout, BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      Thread.sleep(200); // poll interval of a deadline-bounded wait
    }
  }

  /**
   * A daemon in a new temp dir (node name {@code namePrefix + pid}), in a swarm of its own, with
   * the busybox image imported as {@code busybox:it}. {@link #tearDown()} undoes all of it.
   */
  static JswarmProcess swarmWithBusybox(String namePrefix, String... daemonArgs) throws Exception {
    Path dir = Files.createTempDirectory("jswarm-" + namePrefix);
    JswarmProcess js = new JswarmProcess(dir, namePrefix + ProcessHandle.current().pid());
    js.daemonArgs.addAll(List.of(daemonArgs));
    js.startDaemon();
    js.ok("swarm", "init");
    js.imageId = js.ok("image", "import", Host.busyboxRootfs(dir).toString(), "busybox:it").out().trim();
    return js;
  }

  String imageId;

  Path runcRoot() {
    return dataRoot.resolve("runc");
  }

  /**
   * Removes every service, waits (bounded) for their containers to go, stops the daemon, then
   * forcibly removes whatever is left (containers, mounts, cgroups) and the temp dir.
   */
  void tearDown() throws Exception {
    try {
      for (String s : run("service", "ls", "-q").out().lines().toList()) run("service", "rm", s.trim());
      try {
        await(Duration.ofSeconds(60), () -> Host.runcContainers(runcRoot()).isEmpty(), "containers gone");
      } catch (AssertionError e) {
        // the forced cleanup below takes care of them
      }
      close();
    } finally {
      Cleanup.force(runcRoot(), dataRoot, nodeName);
      Cleanup.deleteTree(dir);
    }
  }

  @Override
  public void close() throws Exception {
    stopDaemon();
  }
}
