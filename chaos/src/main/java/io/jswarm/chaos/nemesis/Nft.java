package io.jswarm.chaos.nemesis;

import io.jswarm.chaos.run.LabTarget;
import io.jswarm.chaos.run.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * nftables rules inside a lab host's network namespace, all in one table of our own
 * ({@code inet jswarm_chaos}) so that healing is deleting that table and nothing else the host has
 * is touched. Only traffic to and from the other lab hosts' addresses is dropped: the daemon's
 * unix socket (the harness's way in) is not network traffic and stays reachable.
 */
public final class Nft {
  static final String TABLE = "jswarm_chaos";

  private Nft() {}

  /** Replaces the host's chaos table with these input and output rules. */
  static void apply(LabTarget lab, String host, List<String> input, List<String> output) {
    StringBuilder s = new StringBuilder();
    s.append("table inet ").append(TABLE).append(" {}\n");
    s.append("delete table inet ").append(TABLE).append("\n");
    s.append("table inet ").append(TABLE).append(" {\n");
    s.append("  chain input { type filter hook input priority -10; policy accept;\n");
    input.forEach(r -> s.append("    ").append(r).append("\n"));
    s.append("  }\n  chain output { type filter hook output priority -10; policy accept;\n");
    output.forEach(r -> s.append("    ").append(r).append("\n"));
    s.append("  }\n}\n");
    Path f = null;
    try {
      f = Files.createTempFile("chaos-nft", ".nft");
      Files.writeString(f, s);
      Shell.Result r = inNs(lab, host, "nft", "-f", f.toString());
      if (!r.ok()) throw new IllegalStateException("nft in " + host + " failed: " + r.out());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      if (f != null) f.toFile().delete();
    }
  }

  /** Removes the host's chaos table (if any). */
  static void clear(LabTarget lab, String host) {
    inNs(lab, host, "sh", "-c", "nft list table inet " + TABLE + " >/dev/null 2>&1 && nft delete table inet " + TABLE + " || true");
  }

  /** Whether the host has a chaos table (what the heal tests check). */
  public static boolean present(LabTarget lab, String host) {
    return inNs(lab, host, "nft", "list", "table", "inet", TABLE).ok();
  }

  static String addrSet(LabTarget lab, Collection<String> hosts) {
    return hosts.stream().map(lab::ip).collect(Collectors.joining(", ", "{ ", " }"));
  }

  private static Shell.Result inNs(LabTarget lab, String host, String... cmd) {
    List<String> c = new java.util.ArrayList<>(List.of("nsenter", "--net=/run/netns/" + lab.netns(host)));
    c.addAll(List.of(cmd));
    return Shell.run(Duration.ofSeconds(20), java.util.Map.of(), c);
  }

  /** Removes every chaos table in the lab. */
  public static void clearAll(LabTarget lab) {
    for (String h : lab.hosts()) clear(lab, h);
  }
}
