package io.jswarm.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs ip, bridge and nft, optionally inside a namespace. A namespace argument is either a name
 * under /run/netns (passed as {@code -n NAME}, which the tools resolve themselves) or, when it
 * contains a slash, a namespace file path entered with nsenter; null means the caller's own.
 *
 * <p>Batches go to one process through stdin with {@code -force}: the kernel work per line is
 * microseconds, the fork/exec per process is milliseconds, and -force lets the remaining lines run
 * when one fails, while the exit status and stderr still report the failure.
 */
final class IpCommands {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * Pipe readers block until the tool exits, so they get their own threads: on the common pool
   * (parallelism 1 on a 2-core machine) stderr would wait behind stdout, and a tool filling its
   * stderr pipe would then never exit.
   */
  private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ip-commands-pipe");
    t.setDaemon(true);
    return t;
  });

  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }
  }

  private IpCommands() {}

  /** ip [-n ns] args…, throwing on failure. */
  static String ip(String netns, String... args) {
    return check(run(tool("ip", netns, args), null, TIMEOUT));
  }

  /** ip [-n ns] args…, reporting failure in the result instead of throwing. */
  static Result tryIp(String netns, String... args) {
    return run(tool("ip", netns, args), null, TIMEOUT);
  }

  static String bridge(String netns, String... args) {
    return check(run(tool("bridge", netns, args), null, TIMEOUT));
  }

  static void ipBatch(String netns, List<String> lines) {
    batch("ip", netns, lines);
  }

  static void bridgeBatch(String netns, List<String> lines) {
    batch("bridge", netns, lines);
  }

  /** Runs an nft script as one transaction inside a namespace (null = our own). */
  static Result nft(String netns, String script) {
    List<String> argv = new ArrayList<>(enter(netns));
    argv.addAll(List.of("nft", "-f", "-"));
    return run(argv, script, TIMEOUT);
  }

  static Result nftCommand(String netns, String... args) {
    List<String> argv = new ArrayList<>(enter(netns));
    argv.add("nft");
    argv.addAll(List.of(args));
    return run(argv, null, TIMEOUT);
  }

  private static void batch(String tool, String netns, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    String input = String.join("\n", lines) + "\n";
    // A generous bound that still grows with the batch: thousands of entries take well under a second.
    Duration timeout = TIMEOUT.plusMillis(lines.size() * 10L);
    check(run(tool(tool, netns, "-force", "-batch", "-"), input, timeout));
  }

  static List<String> tool(String tool, String netns, String... args) {
    List<String> argv = new ArrayList<>();
    if (netns != null && netns.contains("/")) {
      argv.addAll(enter(netns));
      argv.add(tool);
    } else {
      argv.add(tool);
      if (netns != null) {
        argv.add("-n");
        argv.add(netns);
      }
    }
    argv.addAll(List.of(args));
    return argv;
  }

  private static List<String> enter(String netns) {
    if (netns == null) {
      return List.of();
    }
    String path = netns.contains("/") ? netns : Netns.path(netns).toString();
    return List.of("nsenter", "--net=" + path);
  }

  private static String check(Result r) {
    if (!r.ok()) {
      throw new NetException(r.err().isBlank() ? "exit " + r.exit() : r.err().strip());
    }
    return r.out();
  }

  static Result run(List<String> argv, String stdin, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(argv).start();
    } catch (IOException e) {
      throw new NetException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
    // Both pipes are drained while stdin is written: a large batch can fill stdout/stderr first.
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), READERS);
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), READERS);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The tool exited without reading all of stdin; its exit status and stderr say why.
    }
    String command = String.join(" ", argv);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new NetException("timed out after " + timeout.toSeconds() + "s: " + command);
      }
      int exit = p.exitValue();
      String e = err.get(5, TimeUnit.SECONDS);
      if (exit != 0) {
        e = command + ": " + e;
      }
      return new Result(exit, out.get(5, TimeUnit.SECONDS), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new NetException("interrupted: " + command, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new NetException("cannot read output of " + command, e);
    }
  }

  private static String drain(InputStream s) {
    try (s) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
