package io.jswarm.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    Processes.Result r = Processes.run(argv, stdin, timeout);
    return new Result(r.exit(), r.out(), r.ok() ? r.err() : String.join(" ", argv) + ": " + r.err());
  }
}
