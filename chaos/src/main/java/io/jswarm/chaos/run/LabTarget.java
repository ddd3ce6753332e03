package io.jswarm.chaos.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster a run targets: a lab made by {@code deploy/lab/lab up} (hosts h1..hN as network
 * namespaces, h1..hM managers). Everything is read from the lab's {@code lab.env}; daemons are
 * addressed by their unix sockets, faults are injected in the hosts' network namespaces and on the
 * daemons' pids, and a daemon is started again with {@code lab start}, which keeps its arguments.
 */
public final class LabTarget {
  private final Path dir;
  private final Map<String, String> env;
  private final int hosts;
  private final int managers;

  private LabTarget(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = env;
    this.hosts = Integer.parseInt(env.getOrDefault("NHOSTS", "0"));
    this.managers = Integer.parseInt(env.getOrDefault("MANAGERS", "0"));
  }

  /** The lab in DIR; a clear error when there is none, or it is not joined. */
  public static LabTarget open(Path dir) {
    Path f = dir.resolve("lab.env");
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("no lab in " + dir + " (no lab.env): start one with deploy/lab/lab up, or pass --lab DIR");
    }
    Map<String, String> env = new HashMap<>();
    try {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) env.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage());
    }
    LabTarget t = new LabTarget(dir.toAbsolutePath(), env);
    if (t.hosts < 1 || !"1".equals(env.get("JOINED"))) {
      throw new IllegalArgumentException("the lab in " + dir + " is not up and joined (lab up without --no-join)");
    }
    return t;
  }

  /** lab.env values are written with printf %q; ours are plain words or '' for empty. */
  private static String unquote(String v) {
    if (v.equals("''")) return "";
    return v.replace("\\", "");
  }

  public Path dir() {
    return dir;
  }

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

  public boolean isManager(String host) {
    return index(host) <= managers;
  }

  public Path socket(String host) {
    return dir.resolve(host).resolve("jswarm.sock");
  }

  public String netns(String host) {
    return env.get("NAME") + "-" + host;
  }

  public String ip(String host) {
    return "10.213." + env.get("SUBNET") + "." + (10 + index(host));
  }

  public String nodeName(String host) {
    return env.getOrDefault("NODE_PREFIX", "") + host;
  }

  /** deploy/lab/lab of the repository that made the lab. */
  public Path labScript() {
    return Path.of(env.get("REPO")).resolve("deploy/lab/lab");
  }

  /** The daemon's pid while it runs (checked against its data root, as the lab script does). */
  public Optional<Long> daemonPid(String host) {
    try {
      String s = Files.readString(dir.resolve(host).resolve("daemon.pid")).trim();
      long pid = Long.parseLong(s);
      Optional<ProcessHandle> ph = ProcessHandle.of(pid);
      if (ph.isEmpty() || !ph.get().isAlive()) return Optional.empty();
      String cmd = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
      return cmd.contains("--data-root " + dir.resolve(host).resolve("data") + " ") ? Optional.of(pid) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static int index(String host) {
    return Integer.parseInt(host.substring(1));
  }
}
