package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * More service flags shown on real containers, one daemon: replicas per node, memory and CPU
 * reservations against the node's capacity, CPU and pids limits, restart attempts and the
 * restart window.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ServiceFlagsIT {
  static JswarmProcess js;
  static Path runcRoot;

  @BeforeAll
  static void up() throws Exception {
    js = JswarmProcess.swarmWithBusybox("flags");
    runcRoot = js.runcRoot();
  }

  @AfterAll
  static void down() throws Exception {
    if (js != null) js.tearDown();
  }

  static String ps(String service) {
    return js.ok("service", "ps", "--no-trunc", service).out();
  }

  /** A failed test leaves no service behind for the next one. */
  @AfterEach
  void removeServices() throws Exception {
    for (String s : js.ok("service", "ls", "-q").out().lines().toList()) js.ok("service", "rm", s.trim());
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(runcRoot).isEmpty(), "containers gone");
  }

  static void rm(String service) throws Exception {
    js.ok("service", "rm", service);
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(runcRoot).isEmpty(), service + " gone");
  }

  @Test
  void replicasMaxPerNodeLeavesTheRestPendingWithTheReason() throws Exception {
    js.ok("service", "create", "--name", "capped", "--detach", "--replicas", "3", "--replicas-max-per-node", "1",
        "--stop-grace-period", "0s", "busybox:it", "sleep", "3600");
    JswarmProcess.await(Duration.ofSeconds(30), () -> ps("capped").contains("at max replicas per node (1)")
        && Host.runningRuncContainers(runcRoot).size() == 1, "one running, the others say why");
    assertEquals(2, ps("capped").lines().filter(l -> l.contains("Pending")).count(), ps("capped"));
    rm("capped");
  }

  @Test
  void aReservationBeyondTheNodesMemoryIsNotPlaced() throws Exception {
    js.ok("service", "create", "--name", "huge", "--detach", "--reserve-memory", "100000g",
        "busybox:it", "sleep", "3600");
    JswarmProcess.await(Duration.ofSeconds(30), () -> ps("huge").contains("with insufficient memory"), "reason shown");
    assertTrue(Host.runningRuncContainers(runcRoot).isEmpty(), "nothing runs");
    js.ok("service", "update", "--detach", "--reserve-memory", "1m", "huge");
    JswarmProcess.await(Duration.ofSeconds(30), () -> Host.runningRuncContainers(runcRoot).size() == 1, "fits now");
    rm("huge");
  }

  @Test
  void aPidsLimitStopsForksInsideTheContainer() throws Exception {
    // An inner shell starts 60 background sleeps against a limit of 30 tasks: its forks fail and
    // it exits; the outer shell reports that and keeps the container (and its log) alive.
    js.ok("service", "create", "--name", "pids", "--detach", "--limit-pids", "30", "--restart-condition", "none",
        "busybox:it", "sh", "-c", "sh -c 'i=0; while [ $i -lt 60 ]; do sleep 60 & i=$((i+1)); done' 2>&1; "
            + "echo inner-exit=$?; sleep 3600");
    JswarmProcess.await(Duration.ofSeconds(30), () -> js.run("service", "logs", "pids").all().contains("inner-exit="),
        "the inner shell ended");
    String logs = js.run("service", "logs", "pids").all();
    assertTrue(logs.contains("can't fork") && !logs.contains("inner-exit=0"), logs);
    rm("pids");
  }

  @Test
  void restartMaxAttemptsStopsRestartingAFailingTask() throws Exception {
    js.ok("service", "create", "--name", "flaky", "--detach", "--restart-condition", "on-failure",
        "--restart-delay", "0s", "--restart-max-attempts", "2", "busybox:it", "sh", "-c", "exit 1");
    JswarmProcess.await(Duration.ofSeconds(60),
        () -> ps("flaky").lines().filter(l -> l.contains("Failed")).count() == 3, "first run and 2 restarts failed");
    // no fourth attempt comes, watched for a bounded while
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < until) {
      String ps = ps("flaky");
      assertEquals(3, ps.lines().filter(l -> l.contains("flaky.1")).count(), ps);
    }
    rm("flaky");
  }

  @Test
  void aCpuReservationRunsOneTaskPerNodeAndTheOthersSayWhy() throws Exception {
    // Three quarters of what the node reports: one task fits, a second does not.
    long capacity = Listed.parse(js.ok("node", "inspect", "self").out(), io.jswarm.api.Node.getDefaultInstance())
        .get(0).getDescription().getResources().getNanoCpus();
    assertTrue(capacity >= 1_000_000_000L, "the node reports its CPUs: " + capacity);
    String reserve = BigDecimal.valueOf(capacity * 3 / 4).movePointLeft(9).toPlainString();
    js.ok("service", "create", "--name", "cpu", "--detach", "--replicas", "3", "--reserve-cpu", reserve,
        "--stop-grace-period", "0s", "busybox:it", "sleep", "3600");
    JswarmProcess.await(Duration.ofSeconds(30), () -> Host.runningRuncContainers(runcRoot).size() == 1
        && ps("cpu").lines().filter(l -> l.contains("Pending")).count() == 2, "one running, two pending");
    String ps = ps("cpu");
    assertTrue(ps.contains("no suitable node (1 node with insufficient cpu)"), ps);
    // nothing else is started meanwhile (the scheduler retries the pending tasks)
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < until) assertEquals(1, Host.runningRuncContainers(runcRoot).size());
    rm("cpu");
  }

  @Test
  void aCpuLimitBecomesTheContainersCfsQuotaAndThrottlesABusyLoop() throws Exception {
    js.ok("service", "create", "--name", "spin", "--detach", "--limit-cpu", "0.25", "--stop-grace-period", "0s",
        "busybox:it", "sh", "-c", "while :; do :; done");
    JswarmProcess.await(Duration.ofSeconds(30), () -> Host.runningRuncContainers(runcRoot).size() == 1, "running");
    String id = Host.runningRuncContainers(runcRoot).get(0);
    Path cg = Path.of("/sys/fs/cgroup/cpu", "jswarm-" + js.nodeName, id);
    assertEquals("100000", Files.readString(cg.resolve("cpu.cfs_period_us")).trim(), "100 ms period");
    assertEquals("25000", Files.readString(cg.resolve("cpu.cfs_quota_us")).trim(), "a quarter of each period");
    // The kernel enforces it: the loop, which would take a whole CPU, is throttled.
    JswarmProcess.await(Duration.ofSeconds(10), () -> throttled(cg) >= 5, "the busy loop throttled");
    rm("spin");
  }

  static long throttled(Path cgroup) {
    try {
      return Files.readAllLines(cgroup.resolve("cpu.stat")).stream().filter(l -> l.startsWith("nr_throttled "))
          .mapToLong(l -> Long.parseLong(l.split(" ")[1])).findFirst().orElse(0);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void aRestartWindowForgetsFailuresOlderThanIt() throws Exception {
    // Each task fails 2 s after it started. With one attempt allowed per 1 s window, every failure
    // falls in a new window and the task keeps being restarted; without the window the single
    // attempt is used up after the first restart.
    List<String> policy = List.of("--restart-condition", "on-failure", "--restart-delay", "0s",
        "--restart-max-attempts", "1");
    List<String> cmd = List.of("busybox:it", "sh", "-c", "sleep 2; exit 1");
    create("windowed", policy, List.of("--restart-window", "1s"), cmd);
    create("unwindowed", policy, List.of(), cmd);
    JswarmProcess.await(Duration.ofSeconds(60),
        () -> ps("windowed").lines().filter(l -> l.contains("Failed")).count() >= 3, "windowed: 3 failures and restarted");
    JswarmProcess.await(Duration.ofSeconds(10),
        () -> ps("windowed").lines().filter(l -> l.contains("windowed.1")).count() >= 4, "a fourth task");
    String un = ps("unwindowed");
    assertEquals(2, un.lines().filter(l -> l.contains("Failed")).count(), "first run and the one restart failed:\n" + un);
    assertEquals(2, un.lines().filter(l -> l.contains("unwindowed.1")).count(), "no second restart:\n" + un);
    js.ok("service", "rm", "windowed");
    rm("unwindowed");
  }

  static void create(String name, List<String> policy, List<String> extra, List<String> cmd) {
    List<String> args = new java.util.ArrayList<>(List.of("service", "create", "--name", name, "--detach"));
    args.addAll(policy);
    args.addAll(extra);
    args.addAll(cmd);
    js.ok(args.toArray(String[]::new));
  }
}
