package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The confinement part of the generated spec: Docker's defaults and each flag that loosens or tightens them. */
class OciSecurityTest {
  private static final Seccomp.Host AMD64_6 = new Seccomp.Host("amd64", new int[] {6, 1});
  /** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: clone with any of them needs CAP_SYS_ADMIN. */
  private static final long NS_FLAGS = 0x7E020000L;

  private static JsonNode spec(SecurityOptions sec) {
    ContainerConfig c = new ContainerConfig("abc", "", "img", List.of("sh"), List.of(), "", "", "", "", Map.of(),
        ResourceLimits.NONE, List.of(), sec);
    return OciSpec.generate(c, new UserSpec(0, 0, List.of()), "/x");
  }

  private static SecurityOptions caps(List<String> add, List<String> drop) {
    return new SecurityOptions(add, drop, "", false, Map.of(), List.of(), false);
  }

  /** Syscall names the profile allows without conditions on their arguments. */
  private static Set<String> allowed(JsonNode seccomp) {
    Set<String> out = new HashSet<>();
    for (JsonNode r : seccomp.path("syscalls")) {
      if (r.path("action").asText().equals("SCMP_ACT_ALLOW") && r.path("args").isMissingNode()) {
        r.path("names").forEach(n -> out.add(n.asText()));
      }
    }
    return out;
  }

  private static List<String> texts(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void defaultsAreDockersCapabilitiesAndSeccompProfile() {
    JsonNode s = spec(SecurityOptions.DEFAULTS);
    for (String set : List.of("bounding", "effective", "permitted")) {
      assertEquals(Capabilities.DEFAULT, texts(s.path("process").path("capabilities").path(set)), set);
    }
    assertEquals(14, Capabilities.DEFAULT.size());
    assertFalse(s.path("root").path("readonly").asBoolean());
    JsonNode sc = Seccomp.toOci(Seccomp.defaultProfile(), Capabilities.DEFAULT, AMD64_6);
    assertEquals("SCMP_ACT_ERRNO", sc.path("defaultAction").asText());
    assertEquals(1, sc.path("defaultErrnoRet").asInt()); // EPERM
    assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), texts(sc.path("architectures")));
    Set<String> allowed = allowed(sc);
    assertTrue(allowed.containsAll(List.of("read", "write", "execve", "chroot", "arch_prctl", "ptrace", "io_uring_setup")), allowed.toString());
    for (String refused : List.of("keyctl", "add_key", "request_key", "bpf", "mount", "umount2", "unshare", "setns",
        "reboot", "kexec_load", "init_module", "open_by_handle_at", "perf_event_open", "clock_settime", "swapon", "clone")) {
      assertFalse(allowed.contains(refused), refused);
    }
    assertEquals(355, allowed.size(), "the unconditional allow-list of moby's default.json on amd64 with Docker's caps");
    JsonNode clone = rule(sc, "clone");
    assertEquals("SCMP_CMP_MASKED_EQ", clone.path("args").get(0).path("op").asText());
    assertEquals(NS_FLAGS, clone.path("args").get(0).path("value").asLong());
    assertEquals(0, clone.path("args").get(0).path("index").asInt());
    JsonNode clone3 = rule(sc, "clone3");
    assertEquals("SCMP_ACT_ERRNO", clone3.path("action").asText());
    assertEquals(38, clone3.path("errnoRet").asInt()); // ENOSYS: libc falls back to clone
    assertEquals(40, rule(sc, "socket").path("args").get(0).path("value").asInt()); // AF_VSOCK
    assertEquals(Seccomp.toOci(Seccomp.defaultProfile(), Capabilities.DEFAULT, Seccomp.Host.LOCAL), s.path("linux").path("seccomp"),
        "the generated spec carries the default profile for this node");
  }

  private static JsonNode rule(JsonNode seccomp, String name) {
    for (JsonNode r : seccomp.path("syscalls")) {
      if (texts(r.path("names")).contains(name)) return r;
    }
    throw new AssertionError(name + " has no rule");
  }

  @Test
  void sysAdminUnlocksMountUnshareAndCloneAsInDocker() {
    JsonNode sc = Seccomp.toOci(Seccomp.defaultProfile(), Capabilities.effective(List.of("SYS_ADMIN"), List.of()), AMD64_6);
    Set<String> allowed = allowed(sc);
    assertTrue(allowed.containsAll(List.of("mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf")));
    assertFalse(allowed.contains("keyctl"), "keyctl stays refused: Docker's profile never allows it");
    assertFalse(allowed.contains("reboot"));
    assertTrue(allowed(Seccomp.toOci(Seccomp.defaultProfile(), List.of("CAP_SYS_BOOT"), AMD64_6)).contains("reboot"));
    assertFalse(allowed(Seccomp.toOci(Seccomp.defaultProfile(), List.of(), new Seccomp.Host("amd64", new int[] {4, 4})))
        .contains("ptrace"), "ptrace needs kernel 4.8 (seccomp bypass before it)");
    assertFalse(allowed(Seccomp.toOci(Seccomp.defaultProfile(), List.of(), new Seccomp.Host("arm64", new int[] {6, 1})))
        .contains("arch_prctl"));
  }

  @Test
  void capAddAndDropFollowDockersOrder() {
    assertEquals(List.of("CAP_NET_ADMIN"), Capabilities.effective(List.of("net_admin"), List.of("ALL")));
    List<String> noRaw = Capabilities.effective(List.of(), List.of("NET_RAW", "cap_mknod"));
    assertFalse(noRaw.contains("CAP_NET_RAW") || noRaw.contains("CAP_MKNOD"));
    assertEquals(12, noRaw.size());
    List<String> all = Capabilities.effective(List.of("ALL"), List.of("SYS_MODULE"));
    assertEquals(Capabilities.ALL.size() - 1, all.size());
    assertThrows(IllegalArgumentException.class, () -> Capabilities.effective(List.of("SYS_WHATEVER"), List.of()));
    JsonNode s = spec(caps(List.of("SYS_ADMIN"), List.of("NET_RAW")));
    List<String> eff = texts(s.path("process").path("capabilities").path("effective"));
    assertTrue(eff.contains("CAP_SYS_ADMIN") && !eff.contains("CAP_NET_RAW"));
  }

  @Test
  void unconfinedHasNoSeccompAndACustomProfileIsConverted() {
    assertTrue(spec(new SecurityOptions(List.of(), List.of(), "unconfined", false, Map.of(), List.of(), false))
        .path("linux").path("seccomp").isMissingNode());
    String custom = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
    JsonNode sc = spec(new SecurityOptions(List.of(), List.of(), custom, false, Map.of(), List.of(), false)).path("linux").path("seccomp");
    assertEquals("SCMP_ACT_ALLOW", sc.path("defaultAction").asText());
    assertEquals(List.of("chmod"), texts(sc.path("syscalls").get(0).path("names")));
    assertThrows(IllegalArgumentException.class, () -> spec(new SecurityOptions(List.of(), List.of(), "{\"x\":1}", false, Map.of(), List.of(), false)));
  }

  @Test
  void readOnlySysctlsAndUlimits() {
    var sec = new SecurityOptions(List.of(), List.of(), "", true, Map.of("net.ipv4.ip_forward", "1", "kernel.shmmax", "65536"),
        List.of(new SecurityOptions.Ulimit("nofile", 100, 200), new SecurityOptions.Ulimit("nproc", 50, 50)), false);
    JsonNode s = spec(sec);
    assertTrue(s.path("root").path("readonly").asBoolean());
    assertEquals("1", s.path("linux").path("sysctl").path("net.ipv4.ip_forward").asText());
    assertEquals("65536", s.path("linux").path("sysctl").path("kernel.shmmax").asText());
    List<String> types = new ArrayList<>();
    s.path("process").path("rlimits").forEach(r -> types.add(r.path("type").asText()));
    assertEquals(List.of("RLIMIT_NOFILE", "RLIMIT_NPROC"), types);
    assertEquals(100, s.path("process").path("rlimits").get(0).path("soft").asLong());
    var e = assertThrows(IllegalArgumentException.class, () -> spec(new SecurityOptions(List.of(), List.of(), "", false,
        Map.of("kernel.panic", "1"), List.of(), false)));
    assertTrue(e.getMessage().contains("not namespaced"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> spec(new SecurityOptions(List.of(), List.of(), "", false, Map.of(),
        List.of(new SecurityOptions.Ulimit("nofile", 10, 5)), false)));
  }

  @Test
  void initRunsTheNodesStaticTiniInFront() {
    var sec = new SecurityOptions(List.of(), List.of(), "", false, Map.of(), List.of(), true);
    if (InitBinary.find().isEmpty()) {
      var e = assertThrows(IllegalArgumentException.class, () -> spec(sec));
      assertTrue(e.getMessage().contains("apt-get install tini"), e.getMessage());
      return;
    }
    JsonNode s = spec(sec);
    assertEquals(List.of("/sbin/docker-init", "--", "sh"), texts(s.path("process").path("args")));
    boolean mounted = false;
    for (JsonNode m : s.path("mounts")) {
      if (m.path("destination").asText().equals("/sbin/docker-init")) {
        mounted = m.path("source").asText().equals(InitBinary.find().get().toString()) && texts(m.path("options")).contains("ro");
      }
    }
    assertTrue(mounted);
  }
}
