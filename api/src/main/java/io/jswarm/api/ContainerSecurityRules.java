package io.jswarm.api;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names {@link ContainerSecurity} may hold, checked alike by the CLI, the managers (before a
 * spec is stored) and the worker (before a container is made): capabilities, sysctls a
 * container's own namespaces hold, and rlimits.
 */
public final class ContainerSecurityRules {
  /** Docker's default capabilities (moby oci/caps/defaults.go), in Docker's order. */
  public static final List<String> DEFAULT_CAPS = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
      "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

  /** Every capability Linux 5.9+ knows, by number (0..40). */
  public static final List<String> ALL_CAPS = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
      "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
      "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
      "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
      "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
      "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
      "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

  public static final Set<String> RLIMITS = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
      "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

  private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
      "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

  private ContainerSecurityRules() {}

  /** "sys_admin", "SYS_ADMIN" and "CAP_SYS_ADMIN" all name CAP_SYS_ADMIN; "all" is "ALL". */
  public static String normalizeCap(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("ALL")) return n;
    if (!n.startsWith("CAP_")) n = "CAP_" + n;
    if (!ALL_CAPS.contains(n)) throw new IllegalArgumentException("unknown capability: \"" + name + "\"");
    return n;
  }

  /** Docker's rule (opts.ValidateSysctl): only sysctls the container's own namespaces hold. */
  public static String checkSysctl(String key) {
    if (IPC_SYSCTLS.contains(key) || key.startsWith("fs.mqueue.") || key.startsWith("net.")) return key;
    throw new IllegalArgumentException("sysctl " + key + " is not namespaced: it would change the whole node, so it is refused"
        + " (allowed: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*)");
  }

  /** A known rlimit name and soft &lt;= hard. */
  public static void checkUlimit(String name, long soft, long hard) {
    if (!RLIMITS.contains(name)) throw new IllegalArgumentException("unknown ulimit \"" + name + "\"; known: " + RLIMITS);
    if (soft > hard) throw new IllegalArgumentException("ulimit " + name + ": soft limit " + soft + " exceeds hard limit " + hard);
  }

  /** Everything above for one spec; IllegalArgumentException naming the first problem. */
  public static void check(ContainerSecurity s) {
    s.getCapAddList().forEach(ContainerSecurityRules::normalizeCap);
    s.getCapDropList().forEach(ContainerSecurityRules::normalizeCap);
    s.getSysctlsMap().keySet().forEach(ContainerSecurityRules::checkSysctl);
    s.getUlimitsList().forEach(u -> checkUlimit(u.getName(), u.getSoft(), u.getHard()));
    if (s.getSeccompMode() == ContainerSecurity.SeccompMode.SECCOMP_CUSTOM && s.getSeccompProfile().isBlank()) {
      throw new IllegalArgumentException("a custom seccomp profile is empty");
    }
  }
}
