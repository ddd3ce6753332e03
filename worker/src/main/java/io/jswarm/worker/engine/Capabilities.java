package io.jswarm.worker.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Docker's capability arithmetic: its default set, then --cap-drop, then --cap-add; "ALL" in either. */
final class Capabilities {
  /** Docker's default capabilities (moby oci/caps/defaults.go), in Docker's order. */
  static final List<String> DEFAULT = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
      "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

  /** Every capability Linux 5.9+ knows, by number (0..40). */
  static final List<String> ALL = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
      "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
      "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
      "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
      "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
      "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
      "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

  private Capabilities() {}

  /** "sys_admin", "SYS_ADMIN" and "CAP_SYS_ADMIN" all name CAP_SYS_ADMIN; "all" is "ALL". */
  static String normalize(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("ALL")) return n;
    if (!n.startsWith("CAP_")) n = "CAP_" + n;
    if (!ALL.contains(n)) throw new IllegalArgumentException("unknown capability: \"" + name + "\"");
    return n;
  }

  /** The set a container gets: Docker's defaults less {@code drop}, plus {@code add}. */
  static List<String> effective(List<String> add, List<String> drop) {
    List<String> adds = add.stream().map(Capabilities::normalize).toList();
    List<String> drops = drop.stream().map(Capabilities::normalize).toList();
    Set<String> caps;
    if (adds.contains("ALL")) {
      caps = new LinkedHashSet<>(ALL);
      caps.removeAll(drops);
    } else {
      caps = new LinkedHashSet<>(drops.contains("ALL") ? List.of() : DEFAULT);
      caps.removeAll(drops);
      caps.addAll(adds);
    }
    return new ArrayList<>(caps);
  }
}
