package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Orchestration depth on real containers, one daemon: placement constraints, drain, global mode,
 * memory limits (OOM kill), rolling updates one task at a time, automatic rollback, and rollback
 * to any kept version; bad input refused with nothing changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class OrchestrationIT {
  static JswarmProcess js;
  static Path runcRoot;

  @BeforeAll
  static void up() throws Exception {
    js = JswarmProcess.swarmWithBusybox("orch");
    runcRoot = js.runcRoot();
  }

  @AfterAll
  static void down() throws Exception {
    if (js != null) js.tearDown();
  }

  static String ps(String service) {
    return js.ok("service", "ps", "--no-trunc", service).out();
  }

  static String inspect(String service) {
    return js.ok("service", "inspect", service).out();
  }

  /** Removes the services and waits until no container is left (each test leaves none). */
  static void rm(String... services) throws Exception {
    for (String s : services) js.ok("service", "rm", s);
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(runcRoot).isEmpty(),
        String.join(", ", services) + " gone");
  }

  @Test
  @Order(1)
  void constraintOnALabelPlacesOnlyWhenTheNodeHasIt() throws Exception {
    js.ok("service", "create", "--name", "ssd", "--detach", "--constraint", "node.labels.disk==ssd",
        "--stop-grace-period", "0s", "busybox:it", "sleep", "3600");
    JswarmProcess.await(Duration.ofSeconds(30),
        () -> ps("ssd").contains("no suitable node (1 node not matching constraint node.labels.disk==ssd)"), "reason shown");
    assertTrue(Host.runningRuncContainers(runcRoot).isEmpty());
    js.ok("node", "update", "--label-add", "disk=ssd", js.nodeName);
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runningRuncContainers(runcRoot).size() == 1, "placed once labelled");
    rm("ssd");
  }

  @Test
  @Order(2)
  void badInputIsRefusedAndChangesNothing() throws Exception {
    String before = js.ok("service", "ls", "-q").out();
    var bad = js.run("service", "create", "--name", "bad1", "--detach", "--constraint", "node.labels.disk=ssd", "busybox:it", "true");
    assertNotEquals(0, bad.exit());
    assertTrue(bad.err().contains("invalid constraint \"node.labels.disk=ssd\": use KEY==VALUE or KEY!=VALUE"), bad.all());
    var neg = js.run("service", "create", "--name", "bad2", "--detach", "--reserve-memory", "-5m", "busybox:it", "true");
    assertNotEquals(0, neg.exit());
    assertTrue(neg.err().contains("invalid --reserve-memory \"-5m\": must not be negative"), neg.all());
    var cpu = js.run("service", "create", "--name", "bad3", "--detach", "--reserve-cpu", "lots", "busybox:it", "true");
    assertNotEquals(0, cpu.exit());
    assertTrue(cpu.err().contains("invalid --reserve-cpu \"lots\": use a number of CPUs"), cpu.all());
    var pref = js.run("service", "create", "--name", "bad4", "--detach", "--placement-pref", "spread=zone", "busybox:it", "true");
    assertNotEquals(0, pref.exit());
    assertTrue(pref.err().contains("invalid placement preference \"spread=zone\""), pref.all());
    assertEquals(before, js.ok("service", "ls", "-q").out());
    js.ok("service", "create", "--name", "fresh", "--detach", "busybox:it", "sleep", "3600");
    var none = js.run("service", "rollback", "fresh");
    assertNotEquals(0, none.exit());
    assertTrue(none.err().contains("service fresh has no previous spec to roll back to"), none.all());
    var noVersion = js.run("service", "rollback", "--to-version", "7", "fresh");
    assertNotEquals(0, noVersion.exit());
    assertTrue(noVersion.err().contains("has no revision 7"), noVersion.all());
    assertTrue(inspect("fresh").contains("\"revision\": \"1\""), inspect("fresh"));
    rm("fresh");
  }

  @Test
  @Order(3)
  void drainMovesTasksAwayAndGlobalFollowsTheNode() throws Exception {
    js.ok("service", "create", "--name", "glob", "--mode", "global", "--stop-grace-period", "0s", "busybox:it", "sleep", "3600");
    assertEquals(1, Host.runningRuncContainers(runcRoot).size());
    js.ok("service", "create", "--name", "rep", "--replicas", "2", "--stop-grace-period", "0s", "busybox:it", "sleep", "3600");
    assertEquals(3, Host.runningRuncContainers(runcRoot).size());
    js.ok("node", "update", "--availability", "drain", js.nodeName);
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runningRuncContainers(runcRoot).isEmpty(), "drained");
    JswarmProcess.await(Duration.ofSeconds(30),
        () -> ps("rep").contains("no suitable node (1 node not available for new tasks)"), "replacements wait");
    js.ok("node", "update", "--availability", "active", js.nodeName);
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runningRuncContainers(runcRoot).size() == 3, "back on the node");
    rm("glob", "rep");
  }

  @Test
  @Order(4)
  void memoryLimitKillsAHog() throws Exception {
    js.ok("service", "create", "--name", "hog", "--detach", "--limit-memory", "16m", "--restart-condition", "none",
        "busybox:it", "sh", "-c", "x=a; while true; do x=$x$x; done");
    JswarmProcess.await(Duration.ofSeconds(60), () -> ps("hog").contains("Failed"), "hog failed");
    String ps = ps("hog");
    assertTrue(ps.contains("OOM killed"), ps);
    rm("hog");
  }

  @Test
  @Order(3)
  void readOnlyBindRefusesWritesAndAVolumeOutlivesItsTask() throws Exception {
    Path src = Files.createDirectories(js.dir.resolve("bind-src"));
    js.ok("service", "create", "--name", "ro", "--detach", "--restart-condition", "none",
        "--mount", "type=bind,source=" + src + ",target=/data,readonly", "busybox:it", "sh", "-c", "echo x > /data/f");
    JswarmProcess.await(Duration.ofSeconds(60), () -> ps("ro").contains("Failed"), "write refused");
    assertTrue(ps("ro").contains("non-zero exit (1)"), ps("ro"));
    assertFalse(Files.exists(src.resolve("f")));
    js.ok("service", "create", "--name", "vol", "--detach", "--restart-condition", "none",
        "--mount", "type=volume,source=keep,target=/v", "--mount", "type=tmpfs,target=/t,tmpfs-size=1m",
        "busybox:it", "sh", "-c", "echo kept > /v/f && echo gone > /t/f");
    JswarmProcess.await(Duration.ofSeconds(60), () -> ps("vol").contains("Complete"), "volume written");
    rm("ro", "vol");
    assertEquals("kept", Files.readString(js.dataRoot.resolve("volumes/keep/_data/f")).trim(), "the volume outlives its task");
    var missing = js.run("service", "create", "--name", "nosrc", "--detach", "--restart-condition", "none",
        "--mount", "type=bind,source=/no/such/dir,target=/d", "busybox:it", "true");
    assertEquals(0, missing.exit(), missing.all());
    JswarmProcess.await(Duration.ofSeconds(60), () -> ps("nosrc").contains("bind source path does not exist: /no/such/dir"),
        "missing bind source rejected");
    rm("nosrc");
    var unknown = js.run("service", "create", "--name", "m1", "--detach", "--mount", "type=nfs,target=/d", "busybox:it", "true");
    assertTrue(unknown.exit() != 0 && unknown.err().contains("unknown mount type \"nfs\""), unknown.all());
    var relative = js.run("service", "create", "--name", "m2", "--detach", "--mount", "type=bind,source=rel,target=/d", "busybox:it", "true");
    assertTrue(relative.exit() != 0 && relative.err().contains("must be an absolute path on the node"), relative.all());
  }

  @Test
  @Order(4)
  void runningOnlyWhenHealthyAndAnUnhealthyTaskIsReplaced() throws Exception {
    js.ok("service", "create", "--name", "hc", "--detach", "--health-cmd", "cat /tmp/ok", "--health-interval", "300ms",
        "--health-retries", "100", "--stop-grace-period", "0s", "busybox:it", "sh", "-c", "sleep 3; echo > /tmp/ok; exec sleep 3600");
    JswarmProcess.await(Duration.ofSeconds(30), () -> Host.runningRuncContainers(runcRoot).size() == 1, "container up");
    String early = js.ok("service", "ps", "hc").out().lines().filter(l -> l.contains("hc.1")).findFirst().orElse("");
    // DESIRED STATE says Running; CURRENT STATE must still say Starting.
    assertTrue(early.contains("Starting") && early.split("Running", -1).length == 2, "not RUNNING before healthy: " + early);
    JswarmProcess.await(Duration.ofSeconds(30), () -> js.ok("service", "ps", "hc").out().contains("Running"), "healthy → Running");
    js.ok("service", "create", "--name", "sick", "--detach", "--health-cmd", "false", "--health-interval", "300ms",
        "--health-retries", "2", "--restart-delay", "0s", "--stop-grace-period", "0s", "busybox:it", "sleep", "3600");
    JswarmProcess.await(Duration.ofSeconds(60), () -> ps("sick").contains("task: unhealthy container"), "unhealthy → Failed");
    JswarmProcess.await(Duration.ofSeconds(60), () -> ps("sick").lines().filter(l -> l.contains("sick.1")).count() >= 2,
        "replaced");
    rm("hc", "sick");
  }

  @Test
  @Order(4)
  void pauseFreezesUnpauseResumesAndAVolumeInUseIsNotRemoved() throws Exception {
    js.ok("service", "create", "--name", "pz", "--stop-grace-period", "0s", "--mount", "type=volume,source=shared,target=/v",
        "busybox:it", "sh", "-c", "echo started; i=0; while true; do i=$((i+1)); echo $i > /v/count; sleep 0.1; done");
    String id = js.ok("container", "ls", "-q").out().trim();
    assertFalse(id.isEmpty() || id.contains("\n"), id);
    assertTrue(js.ok("container", "ls").out().contains("pz"), js.ok("container", "ls").out());
    Path count = js.dataRoot.resolve("volumes/shared/_data/count");
    JswarmProcess.await(Duration.ofSeconds(10), () -> Files.exists(count), "counter written");
    js.ok("container", "pause", id.substring(0, 8));
    assertTrue(js.ok("container", "inspect", id).out().contains("\"status\": \"paused\""));
    JswarmProcess.await(Duration.ofSeconds(10), () -> js.run("service", "ps", "pz").out().contains("Running (paused)"),
        "service ps shows the task paused");
    String frozen = Files.readString(count).trim();
    Thread.sleep(600); // the observation window: 6 of the counter's 0.1 s ticks must pass with no change
    assertEquals(frozen, Files.readString(count).trim(), "paused: the counter stands still");
    var again = js.run("container", "pause", id);
    assertTrue(again.exit() != 0 && again.err().contains("is paused, not running"), again.all());
    js.ok("container", "unpause", id);
    JswarmProcess.await(Duration.ofSeconds(10), () -> !js.run("service", "ps", "pz").out().contains("(paused)"),
        "service ps shows the task running again");
    JswarmProcess.await(Duration.ofSeconds(10), () -> {
      try {
        return !Files.readString(count).trim().equals(frozen);
      } catch (java.io.IOException e) {
        return false;
      }
    }, "unpaused: the counter moves again");
    assertTrue(js.ok("container", "logs", id).out().contains("started"));
    var inUse = js.run("volume", "rm", "shared");
    assertTrue(inUse.exit() != 0 && inUse.err().contains("volume shared is in use by container(s) " + id), inUse.all());
    js.ok("volume", "create", "extra");
    String ls = js.ok("volume", "ls").out();
    assertTrue(ls.contains("shared") && ls.contains("extra"), ls);
    js.ok("volume", "rm", "extra");
    rm("pz");
    js.ok("volume", "rm", "shared");
    assertFalse(js.ok("volume", "ls", "-q").out().contains("shared"));
  }

  @Test
  @Order(5)
  void rollingUpdatesReplaceOneTaskAtATime() throws Exception {
    js.ok("service", "create", "--name", "web", "--replicas", "3", "--stop-grace-period", "0s",
        "--update-parallelism", "1", "--update-monitor", "1s", "busybox:it", "sleep", "3600");
    for (String order : List.of("start-first", "stop-first")) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger min = new AtomicInteger();
      AtomicInteger max = new AtomicInteger();
      Thread w = new Thread(() -> {
        int[] mm = Host.runningMinMax(runcRoot, stop);
        min.set(mm[0]);
        max.set(mm[1]);
      });
      w.start();
      var r = js.ok("service", "update", "--update-order", order, "--env-add", "ORDER=" + order, "web");
      JswarmProcess.await(Duration.ofSeconds(60), () -> inspect("web").contains("\"state\": \"COMPLETED\""), "update completed");
      stop.set(true);
      w.join();
      assertTrue(r.out().contains("verify: Service converged"), r.out());
      if (order.equals("start-first")) {
        assertEquals(3, min.get(), "start-first never drops below 3 running");
        assertEquals(4, max.get(), "one extra at a time");
      } else {
        assertEquals(2, min.get(), "stop-first: one down at a time");
        assertEquals(3, max.get());
      }
    }
  }

  @Test
  @Order(6)
  void failedUpdateRollsBackToThePreviousSpec() throws Exception {
    var r = js.run("service", "update", "--args", "false", "--update-failure-action", "rollback",
        "--update-monitor", "1s", "--restart-delay", "10s", "web");
    assertNotEquals(0, r.exit(), r.all());
    assertTrue(r.err().contains("rolled back: update rolled back due to failure or early termination of task"), r.all());
    JswarmProcess.await(Duration.ofSeconds(60), () -> inspect("web").contains("\"state\": \"ROLLBACK_COMPLETED\""), "rolled back");
    String spec = js.ok("service", "inspect", "--pretty", "web").out();
    assertTrue(spec.contains("Args:\t\tsleep 3600"), spec);
    assertTrue(spec.contains("ORDER=stop-first"), spec);
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runningRuncContainers(runcRoot).size() == 3, "3 running");
  }

  @Test
  @Order(7)
  void rollbackToAnyKeptVersion() throws Exception {
    String history = js.ok("service", "history", "web").out();
    assertTrue(history.contains("(current)"), history);
    assertTrue(history.lines().anyMatch(l -> l.startsWith("1 ")), history);
    js.ok("service", "rollback", "--to-version", "1", "web");
    String spec = inspect("web");
    assertFalse(spec.contains("ORDER="), spec);
    JswarmProcess.await(Duration.ofSeconds(60), () -> {
      String ps = js.ok("service", "ps", "web", "-f", "desired-state=running").out();
      return ps.lines().filter(l -> l.contains("Running")).count() == 3;
    }, "3 tasks of version 1");
    assertEquals(3, Host.runningRuncContainers(runcRoot).size());
    String after = js.ok("service", "history", "web").out();
    assertTrue(after.lines().count() > history.lines().count(), "the rollback is a new revision\n" + after);
    rm("web");
  }
}
