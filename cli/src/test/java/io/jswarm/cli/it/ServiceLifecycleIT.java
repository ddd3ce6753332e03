package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The walking skeleton end to end, as root with real runc and conmon: one daemon, swarm init,
 * a busybox service created, scaled, killed, restarted with the daemon, and removed — and
 * nothing left behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ServiceLifecycleIT {
  static JswarmProcess js;
  static Path runcRoot;

  @BeforeAll
  static void up() throws Exception {
    js = JswarmProcess.swarmWithBusybox("it");
    runcRoot = js.runcRoot();
    assertTrue(js.imageId.startsWith("sha256:"), js.imageId);
  }

  @AfterAll
  static void down() throws Exception {
    if (js != null) js.tearDown();
  }

  private static int running() {
    return Host.runningRuncContainers(runcRoot).size();
  }

  @Test
  @Order(1)
  void createRunsThreeContainers() throws Exception {
    var r = js.ok("service", "create", "--name", "web", "--replicas", "3", "--stop-grace-period", "0s",
        "--restart-delay", "0s", "busybox:it", "sh", "-c", "echo hello from $(hostname); exec sleep 3600");
    assertTrue(r.out().contains("overall progress: 3 out of 3 tasks"), r.out());
    assertTrue(r.out().contains("verify: Service converged"), r.out());
    assertEquals(3, running());
    var ls = js.ok("service", "ls").out();
    assertTrue(ls.contains("web") && ls.contains("3/3"), ls);
    var ps = js.ok("service", "ps", "web").out();
    assertEquals(3, ps.lines().filter(l -> l.contains("Running")).count(), ps);
  }

  @Test
  @Order(2)
  void scaleFollowsUpAndDown() throws Exception {
    js.ok("service", "scale", "web=5");
    assertEquals(5, running());
    js.ok("service", "scale", "web=1");
    JswarmProcess.await(Duration.ofSeconds(60), () -> running() == 1 && Host.runcContainers(runcRoot).size() == 1,
        "scaled down to one container");
  }

  @Test
  @Order(3)
  void killedContainerIsReplaced() throws Exception {
    String victim = Host.runningRuncContainers(runcRoot).get(0);
    int pid = Host.pidOf(runcRoot, victim);
    JswarmProcess.exec(List.of("kill", "-9", String.valueOf(pid)), Duration.ofSeconds(10));
    JswarmProcess.await(Duration.ofSeconds(60), () -> {
      List<String> now = Host.runningRuncContainers(runcRoot);
      return now.size() == 1 && !now.contains(victim);
    }, "a replacement container runs");
    var ps = js.ok("service", "ps", "web").out();
    assertTrue(ps.contains("Failed"), ps);
    assertTrue(ps.contains("non-zero exit (137)"), ps);
  }

  @Test
  @Order(4)
  void logsShowWhatContainersPrinted() throws Exception {
    JswarmProcess.await(Duration.ofSeconds(30), () -> js.run("service", "logs", "web").out().contains("hello from "),
        "log line from a container");
    var out = js.ok("service", "logs", "web").out();
    assertTrue(out.lines().anyMatch(l -> l.startsWith("web.1.") && l.contains("| hello from ")), out);
  }

  @Test
  @Order(5)
  void daemonRestartKeepsServiceAndAdoptsContainers() throws Exception {
    List<String> before = Host.runningRuncContainers(runcRoot);
    assertEquals(1, before.size());
    js.stopDaemon();
    assertEquals(before, Host.runningRuncContainers(runcRoot), "containers survive the daemon");
    js.startDaemon();
    JswarmProcess.await(Duration.ofSeconds(60), () -> js.run("service", "ls").out().contains("1/1"), "service back");
    // No duplicate appears while the restarted daemon settles: watched for a bounded time.
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < until) {
      assertEquals(before, Host.runningRuncContainers(runcRoot));
    }
    var ps = js.ok("service", "ps", "web", "-f", "desired-state=running").out();
    assertEquals(1, ps.lines().filter(l -> l.contains("Running")).count(), ps);
  }

  @Test
  @Order(6)
  void badInputIsRefusedAndChangesNothing() throws Exception {
    Set<String> before = new HashSet<>(js.ok("service", "ls", "-q").out().lines().toList());
    var unknown = js.run("service", "create", "--name", "nope", "--detach", "no-such-image:1", "sleep", "1");
    assertNotEquals(0, unknown.exit());
    assertTrue(unknown.err().contains("image no-such-image:1 not found"), unknown.all());
    var negative = js.run("service", "create", "--name", "neg", "--replicas", "-1", "busybox:it");
    assertNotEquals(0, negative.exit());
    assertTrue(negative.err().contains("invalid replicas value"), negative.all());
    var abc = js.run("service", "create", "--name", "abc", "--replicas", "abc", "busybox:it");
    assertNotEquals(0, abc.exit());
    assertTrue(abc.err().contains("invalid replicas value \"abc\""), abc.all());
    var dup = js.run("service", "create", "--name", "web", "--detach", "busybox:it", "sleep", "1");
    assertNotEquals(0, dup.exit());
    assertTrue(dup.err().contains("already in use"), dup.all());
    var missing = js.run("service", "create", "--name", "noimage");
    assertNotEquals(0, missing.exit());
    assertTrue(missing.err().contains("IMAGE"), missing.all());
    var demote = js.run("node", "demote", js.nodeName);
    assertNotEquals(0, demote.exit());
    assertTrue(demote.err().contains("last manager"), demote.all());
    var leave = js.run("swarm", "leave");
    assertNotEquals(0, leave.exit());
    assertTrue(leave.err().contains("participating as a manager"), leave.all());
    var badScale = js.run("service", "scale", "web=-3");
    assertNotEquals(0, badScale.exit());
    assertEquals(before, new HashSet<>(js.ok("service", "ls", "-q").out().lines().toList()));
    assertTrue(js.ok("service", "ls").out().contains("1/1"));
  }

  @Test
  @Order(7)
  void removeLeavesNothingBehind() throws Exception {
    List<String> ids = Host.runcContainers(runcRoot);
    js.ok("service", "rm", "web");
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(runcRoot).isEmpty(), "no runc container");
    JswarmProcess.await(Duration.ofSeconds(30), () -> {
      try {
        return Host.mountsUnder(js.dataRoot).isEmpty() && Host.cgroupsOf(js.nodeName).isEmpty()
            && containerDirs().isEmpty();
      } catch (Exception e) {
        return false;
      }
    }, "no mount, cgroup or container directory left for " + ids);
    JswarmProcess.await(Duration.ofSeconds(30), () -> js.run("service", "ls", "-q").out().isBlank(), "service gone");
    assertNotEquals(0, js.run("service", "ps", "web").exit());
  }

  private static List<Path> containerDirs() throws Exception {
    Path c = js.dataRoot.resolve("containers");
    if (!Files.isDirectory(c)) return List.of();
    try (var s = Files.list(c)) {
      return s.toList();
    }
  }
}
