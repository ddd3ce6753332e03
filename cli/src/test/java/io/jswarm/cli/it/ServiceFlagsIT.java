package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * More service flags shown on real containers, one daemon: replicas per node, memory
 * reservations against the node's capacity, a pids limit, and restart attempts.
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
}
