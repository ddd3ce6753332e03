package io.jswarm.worker.engine;

import static io.jswarm.worker.engine.EngineCleanup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real runc containers (as root) probing their own confinement from inside with busybox: the
 * seccomp mode and capabilities the kernel reports, {@code unshare -U}, {@code mount -t tmpfs},
 * a write to the rootfs, sysctls, ulimits and the init process; then the same probes with each
 * flag that loosens a default. busybox has no keyctl: the profile's refusal of it is proven by
 * OciSecurityTest.
 */
@Timeout(120)
class ContainerSecurityIT {
  /** Docker's default set as /proc/self/status prints it: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP. */
  static final String DOCKER_CAPEFF = "00000000a80425fb";
  private static final String PROBE = String.join("; ",
      "grep -E '^(Seccomp|CapEff):' /proc/self/status | tr -d '\\t' | sed 's/:/=/'",
      "unshare -U true 2>/dev/null && echo unshareU=ok || echo unshareU=fail",
      "mkdir -p /dev/shm/m; mount -t tmpfs t /dev/shm/m 2>/dev/null && echo mount=ok || echo mount=fail",
      "touch /x 2>/dev/null && echo touch=ok || echo touch=fail",
      "echo shm=$(touch /dev/shm/y 2>/dev/null && echo ok || echo fail)",
      "echo pid1=$(tr '\\0' ' ' </proc/1/cmdline | cut -d' ' -f1)",
      "echo ipfwd=$(cat /proc/sys/net/ipv4/ip_forward)",
      "echo nofile=$(ulimit -n)");

  private static Path dataRoot;
  private static LocalEngine engine;
  private static final List<ExitEvent> exits = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    dataRoot = Files.createTempDirectory("jswarm-security-it");
    engine = new LocalEngine(dataRoot, "sec-" + UUID.randomUUID().toString().substring(0, 8));
    engine.images().importImage("busybox", new ByteArrayInputStream(TestTars.busybox()));
    engine.onExit(exits::add);
  }

  @AfterAll
  static void tearDown() {
    EngineCleanup.removeAll(engine, dataRoot);
  }

  /** Runs the probe in a container with {@code sec} and returns what it printed as key → value. */
  private static Map<String, String> probe(SecurityOptions sec) {
    String id = "sec-" + UUID.randomUUID().toString().substring(0, 8);
    engine.create(new ContainerConfig(id, "", "busybox", List.of("sh", "-c", PROBE), List.of(), "/", "", "", "",
        Map.of(), ResourceLimits.NONE, List.of(), sec));
    engine.start(id);
    await(id + " exits", 30_000, () -> exits.stream().anyMatch(e -> e.containerId().equals(id)));
    Map<String, String> out = new LinkedHashMap<>();
    engine.logs(id, false, -1, l -> {
      String line = new String(l.data(), StandardCharsets.UTF_8);
      int eq = line.indexOf('=');
      if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
    });
    engine.remove(id);
    System.out.println("[figure] " + describe(sec) + ": " + out);
    return out;
  }

  private static String describe(SecurityOptions s) {
    return s.equals(SecurityOptions.DEFAULTS) ? "default" : "add=" + s.capAdd() + " drop=" + s.capDrop() + " seccomp="
        + (s.seccomp().length() > 20 ? "custom" : s.seccomp()) + " ro=" + s.readOnlyRootfs() + " init=" + s.init();
  }

  private static SecurityOptions opts(List<String> add, String seccomp, boolean ro, boolean init) {
    return new SecurityOptions(add, List.of(), seccomp, ro, Map.of(), List.of(), init);
  }

  @Test
  void aDefaultContainerHasDockersCapabilitiesAndSeccompAndCannotUnshareOrMount() {
    Map<String, String> p = probe(SecurityOptions.DEFAULTS);
    assertEquals("2", p.get("Seccomp"), p.toString()); // filter mode
    assertEquals(DOCKER_CAPEFF, p.get("CapEff"), p.toString());
    assertEquals("fail", p.get("unshareU"), p.toString());
    assertEquals("fail", p.get("mount"), p.toString());
    assertEquals("ok", p.get("touch"), p.toString());
    assertEquals("sh", p.get("pid1"), p.toString());
  }

  @Test
  void seccompUnconfinedLetsUnshareUserThroughButMountStillNeedsSysAdmin() {
    Map<String, String> p = probe(opts(List.of(), SecurityOptions.SECCOMP_UNCONFINED, false, false));
    assertEquals("0", p.get("Seccomp"), p.toString());
    assertEquals(DOCKER_CAPEFF, p.get("CapEff"), p.toString());
    assertEquals("ok", p.get("unshareU"), p.toString());
    assertEquals("fail", p.get("mount"), p.toString());
  }

  @Test
  void capAddSysAdminUnlocksUnshareAndMountUnderTheDefaultProfile() {
    Map<String, String> p = probe(opts(List.of("SYS_ADMIN"), "", false, false));
    assertEquals("2", p.get("Seccomp"), p.toString());
    assertEquals("00000000a82425fb", p.get("CapEff"), p.toString()); // + CAP_SYS_ADMIN (bit 21)
    assertEquals("ok", p.get("unshareU"), p.toString());
    assertEquals("ok", p.get("mount"), p.toString());
  }

  @Test
  void readOnlyRootfsRefusesWritesButKeepsDevShm() {
    Map<String, String> p = probe(opts(List.of(), "", true, false));
    assertEquals("fail", p.get("touch"), p.toString());
    assertEquals("ok", p.get("shm"), p.toString());
  }

  @Test
  void sysctlsUlimitsAndInitReachTheContainer() {
    var sec = new SecurityOptions(List.of(), List.of(), "", false, Map.of("net.ipv4.ip_forward", "1"),
        List.of(new SecurityOptions.Ulimit("nofile", 321, 654)), InitBinary.find().isPresent());
    Map<String, String> p = probe(sec);
    assertEquals("1", p.get("ipfwd"), p.toString());
    assertEquals("321", p.get("nofile"), p.toString());
    assertTrue(InitBinary.find().isEmpty() || p.get("pid1").equals(InitBinary.TARGET), p.toString());
  }
}
