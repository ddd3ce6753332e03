package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Generates the OCI runtime spec (config.json) for a container: close to what Docker generates,
 * with Docker's default capability set and seccomp profile ({@link OciSecurity}), masked and
 * read-only /proc paths, and a new namespace for everything but the network when a network
 * namespace path is given.
 */
final class OciSpec {
  /** Docker's default capabilities. */
  static final List<String> DEFAULT_CAPS = Capabilities.DEFAULT;

  private static final List<String> MASKED = List.of(
      "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
      "/sys/firmware", "/sys/devices/virtual/powercap");
  private static final List<String> READONLY = List.of(
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  /**
   * The daemon's own open-files limit, inherited by containers as Docker does: raising it past
   * the hard limit needs CAP_SYS_RESOURCE, which a daemon in a VM or user namespace may lack.
   */
  private static final long[] NOFILE = nofileLimit();

  private OciSpec() {}

  private static long[] nofileLimit() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // fall through
    }
    return new long[] {1024, 4096};
  }

  /** The cgroup every container of node {@code nodeName} lives under. */
  static String cgroupParent(String nodeName) {
    return "/jswarm-" + nodeName.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  static ObjectNode generate(ContainerConfig c, UserSpec user, String cgroupsPath) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("ociVersion", "1.0.2");
    ObjectNode p = s.putObject("process");
    p.put("terminal", false);
    ObjectNode u = p.putObject("user");
    u.put("uid", user.uid());
    u.put("gid", user.gid());
    if (!user.additionalGids().isEmpty()) {
      ArrayNode g = u.putArray("additionalGids");
      user.additionalGids().forEach(g::add);
    }
    strings(p.putArray("args"), c.args());
    strings(p.putArray("env"), withDefaults(c));
    p.put("cwd", c.workingDir());
    ArrayNode rl = p.putArray("rlimits");
    ObjectNode nofile = rl.addObject();
    nofile.put("type", "RLIMIT_NOFILE");
    long[] limit = NOFILE;
    nofile.put("hard", limit[1]);
    nofile.put("soft", limit[0]);
    p.put("noNewPrivileges", false);
    p.put("oomScoreAdj", 0);

    ObjectNode root = s.putObject("root");
    root.put("path", "rootfs");
    root.put("readonly", false);
    s.put("hostname", c.hostname());

    ArrayNode mounts = s.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(mounts, "/dev/pts", "devpts", "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
    mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
    for (MountSpec m : c.mounts()) {
      List<String> opts = new java.util.ArrayList<>();
      if (m.kind() == MountSpec.Kind.TMPFS) {
        opts.addAll(List.of("nosuid", "nodev"));
        if (m.sizeBytes() > 0) opts.add("size=" + m.sizeBytes());
        if (m.readonly()) opts.add("ro");
        mount(mounts, m.target(), "tmpfs", "tmpfs", opts);
      } else { // bind; volumes arrive resolved to their host directory
        opts.addAll(List.of("rbind", "rprivate"));
        if (m.readonly()) opts.add("ro");
        mount(mounts, m.target(), "bind", m.source(), opts);
      }
    }

    ObjectNode labels = s.putObject("annotations");
    c.labels().forEach(labels::put);

    ObjectNode linux = s.putObject("linux");
    linux.put("cgroupsPath", cgroupsPath);
    ObjectNode res = linux.putObject("resources");
    ObjectNode deny = res.putArray("devices").addObject();
    deny.put("allow", false);
    deny.put("access", "rwm");
    limits(res, c.limits());
    ArrayNode ns = linux.putArray("namespaces");
    for (String t : List.of("pid", "mount", "ipc", "uts")) {
      ns.addObject().put("type", t);
    }
    ObjectNode net = ns.addObject();
    net.put("type", "network");
    if (!c.netnsPath().isEmpty()) {
      net.put("path", c.netnsPath());
    }
    strings(linux.putArray("maskedPaths"), MASKED);
    strings(linux.putArray("readonlyPaths"), READONLY);
    OciSecurity.apply(s, c.security(), Seccomp.Host.LOCAL);
    return s;
  }

  /** Cgroup limits (runc applies them to cgroups v1 and v2 alike). */
  static void limits(ObjectNode res, ResourceLimits l) {
    if (l.memoryBytes() > 0) {
      ObjectNode m = res.putObject("memory");
      m.put("limit", l.memoryBytes());
      m.put("swap", l.memoryBytes()); // memory+swap: no swap beyond the limit
    }
    if (l.nanoCpus() > 0) {
      ObjectNode cpu = res.putObject("cpu");
      cpu.put("quota", l.cpuQuotaUs());
      cpu.put("period", ResourceLimits.CFS_PERIOD_US);
    }
    if (l.pids() > 0) {
      res.putObject("pids").put("limit", l.pids());
    }
  }

  /** Adds PATH and HOSTNAME when the config has none, as Docker does. */
  private static List<String> withDefaults(ContainerConfig c) {
    List<String> env = new java.util.ArrayList<>(c.env());
    if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
      env.add(0, ImageStore.DEFAULT_PATH);
    }
    if (env.stream().noneMatch(e -> e.startsWith("HOSTNAME="))) {
      env.add("HOSTNAME=" + c.hostname());
    }
    return env;
  }

  private static void mount(ArrayNode mounts, String dest, String type, String source, List<String> options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", dest);
    m.put("type", type);
    m.put("source", source);
    strings(m.putArray("options"), options);
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
