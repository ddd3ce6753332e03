package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stopped daemon leaves the host as it found it: its bridge, nft tables and namespaces go,
 * unless containers still run (then they stay, and the log says why). The daemon runs in a
 * network namespace of the test's own, so the host's tables are never touched.
 */
@Timeout(180)
class DaemonStopCleanupIT {
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "jsstop-" + suffix;
  private final String bridge = "jsst" + suffix;
  private JswarmProcess js;

  @BeforeEach
  void setUp() throws Exception {
    sh("ip", "netns", "add", ns);
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    Path dir = Files.createTempDirectory("jswarm-stop-it");
    js = new JswarmProcess(dir, "stop" + suffix);
    // nsenter, not ip netns exec: that one mounts a new /sys without the cgroup mounts runc needs
    js.daemonPrefix.addAll(List.of("nsenter", "--net=/run/netns/" + ns));
    js.bridge = bridge;
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      js.tearDown();
    } finally {
      String tag = tag();
      if (tag != null) {
        for (String n : JswarmProcess.exec(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).out().lines().toList()) {
          String name = n.split(" ")[0];
          if (name.startsWith(tag + "-")) JswarmProcess.exec(List.of("ip", "netns", "del", name), Duration.ofSeconds(10));
        }
      }
      JswarmProcess.exec(List.of("ip", "netns", "del", ns), Duration.ofSeconds(10));
    }
  }

  private String tagCache;

  private String tag() {
    try {
      if (tagCache == null) tagCache = Files.readString(js.dataRoot.resolve("net/tag")).strip();
    } catch (Exception e) {
      return null;
    }
    return tagCache;
  }

  private static String sh(String... cmd) {
    JswarmProcess.Result r = JswarmProcess.exec(List.of(cmd), Duration.ofSeconds(30));
    if (r.exit() != 0) throw new AssertionError(String.join(" ", cmd) + ": " + r.all());
    return r.out();
  }

  private boolean bridgeExists() {
    return JswarmProcess.exec(List.of("ip", "-n", ns, "link", "show", bridge), Duration.ofSeconds(10)).exit() == 0;
  }

  private String tables() {
    return sh("ip", "netns", "exec", ns, "nft", "list", "tables");
  }

  private List<String> namespacesOfTheNode() {
    return sh("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(tag() + "-")).toList();
  }

  @Test
  void stopKeepsWhatRunningContainersUseAndRemovesItOnceNoneRun() throws Exception {
    js.startDaemon();
    js.ok("swarm", "init");
    js.ok("image", "import", Host.busyboxRootfs(js.dir).toString(), "busybox:it");
    js.ok("service", "create", "--name", "s", "--stop-grace-period", "0s", "busybox:it", "sleep", "3600");
    assertTrue(bridgeExists(), "the task's bridge");
    assertTrue(tables().contains("jswarm_nat"), tables());
    assertFalse(namespacesOfTheNode().isEmpty());

    js.stopDaemon(); // a container runs: everything stays
    assertTrue(bridgeExists(), "the bridge went while a container uses it");
    assertTrue(tables().contains("jswarm_nat"));
    assertTrue(Files.readString(js.dir.resolve("daemon.log")).contains("container(s) still run"));

    js.startDaemon();
    JswarmProcess.await(Duration.ofSeconds(60), () -> js.run("service", "ls").exit() == 0, "the manager is back");
    js.ok("service", "rm", "s");
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(js.runcRoot()).isEmpty(), "the container gone");
    js.stopDaemon(); // nothing runs: everything goes
    assertFalse(bridgeExists(), "the bridge was left");
    String t = tables();
    assertFalse(t.contains("jswarm_nat") || t.contains("jswarm_ports"), t);
    assertEquals(List.of(), namespacesOfTheNode());
    assertTrue(Files.readString(js.dir.resolve("daemon.log")).contains("no container runs: removed"));
  }
}
