package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.UpdateConfig;
import io.jswarm.api.UpdateStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Update and rollback configuration shown on real containers, one daemon: the delay between
 * batches (measured on the tasks' own timestamps), the monitor period and the failure ratio
 * deciding whether an update pauses, and a rollback run with its own parallelism, order and delay.
 *
 * <p>The services run a shell that fails {@code FAIL_AFTER} seconds after it started when that
 * variable is set (an update sets it), and otherwise sleeps.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class RollingUpdateFlagsIT {
  static final List<String> CMD = List.of("busybox:it", "sh", "-c",
      "if [ -n \"$FAIL_AFTER\" ]; then sleep $FAIL_AFTER; exit 1; fi; exec sleep 3600");
  static JswarmProcess js;
  static Path runcRoot;

  @BeforeAll
  static void up() throws Exception {
    js = JswarmProcess.swarmWithBusybox("upd");
    runcRoot = js.runcRoot();
  }

  @AfterAll
  static void down() throws Exception {
    if (js != null) js.tearDown();
  }

  static void create(String name, String... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("service", "create", "--name", name, "--stop-grace-period", "0s"));
    args.addAll(List.of(flags));
    args.addAll(CMD);
    js.ok(args.toArray(String[]::new));
  }

  static UpdateStatus status(String service) {
    return Listed.service(js, service).getUpdateStatus();
  }

  static void awaitState(String service, UpdateStatus.State state) throws InterruptedException {
    JswarmProcess.await(Duration.ofSeconds(60), () -> status(service).getState() == state, service + " " + state);
  }

  /** Tasks of the service's current spec version, oldest first. */
  static List<Task> current(String service) {
    long v = Listed.service(js, service).getSpecVersion();
    return Listed.tasks(js, service).stream().filter(t -> t.getSpecVersion() == v).toList();
  }

  static long runningOld(String service) {
    long v = Listed.service(js, service).getSpecVersion();
    return Listed.tasks(js, service).stream().filter(t -> t.getSpecVersion() != v
        && t.getStatus().getState() == TaskState.RUNNING && t.getDesiredState() == TaskState.RUNNING).count();
  }

  /** Every test starts on an empty node, also after one failed. */
  @AfterEach
  void removeServices() throws Exception {
    for (String s : js.ok("service", "ls", "-q").out().lines().toList()) js.ok("service", "rm", s.trim());
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(runcRoot).isEmpty(), "containers gone");
  }

  @Test
  void updateDelayPassesBetweenOneBatchRunningAndTheNextStarting() throws Exception {
    create("paced", "--replicas", "3", "--update-parallelism", "1", "--update-delay", "2s", "--update-monitor", "500ms");
    UpdateConfig u = Listed.service(js, "paced").getSpec().getUpdateConfig();
    assertEquals(2_000, u.getDelayMs());
    assertEquals(500, u.getMonitorMs());
    js.ok("service", "update", "--detach", "--env-add", "V=2", "paced");
    awaitState("paced", UpdateStatus.State.COMPLETED);
    List<Task> fresh = current("paced");
    assertEquals(3, fresh.size(), fresh.toString());
    for (int i = 1; i < fresh.size(); i++) {
      Task prev = fresh.get(i - 1);
      assertEquals(TaskState.RUNNING, prev.getStatus().getState());
      assertTrue(prev.getRunningAtMs() > 0, "the dispatcher recorded when it ran: " + prev);
      long gap = fresh.get(i).getMeta().getCreatedAtMs() - prev.getRunningAtMs();
      assertTrue(gap >= 2_000, "batch " + (i + 1) + " started " + gap + " ms after batch " + i + " ran");
    }
  }

  @Test
  void onlyAFailureWithinItsTasksMonitorPeriodCountsAgainstTheUpdate() throws Exception {
    // "watched": its one new task fails 5 s after it started, within the 20 s monitor: paused.
    // "batched": two slots, 6 s apart, each new task failing 3 s after it started, monitored 1 s:
    // the first fails while the update is still going on, but after its own monitor period, so
    // it does not count; the update completes (before the second one fails too).
    create("watched", "--restart-condition", "none", "--update-failure-action", "pause", "--update-monitor", "20s");
    create("batched", "--replicas", "2", "--restart-condition", "none", "--update-failure-action", "pause",
        "--update-parallelism", "1", "--update-delay", "6s", "--update-monitor", "1s");
    js.ok("service", "update", "--detach", "--env-add", "FAIL_AFTER=5", "watched");
    js.ok("service", "update", "--detach", "--env-add", "FAIL_AFTER=3", "batched");
    awaitState("watched", UpdateStatus.State.PAUSED);
    UpdateStatus w = status("watched");
    assertEquals(1, w.getFailures());
    assertTrue(w.getMessage().startsWith("update paused due to failure or early termination of task"), w.getMessage());
    awaitState("batched", UpdateStatus.State.COMPLETED);
    UpdateStatus b = status("batched");
    assertEquals(0, b.getFailures(), b.toString());
    Task first = current("batched").get(0);
    assertEquals(TaskState.FAILED, first.getStatus().getState(), "the first new task failed: " + first);
    assertTrue(first.getStatus().getTimestampMs() < b.getCompletedAtMs(), "... while the update was going on");
    assertTrue(first.getStatus().getTimestampMs() - first.getRunningAtMs() >= 1_000, "... after its monitor period");
  }

  @Test
  void theMaxFailureRatioDecidesWhetherAnUpdateGoesOnAfterAFailure() throws Exception {
    // Two slots, one at a time, 2 s apart; every new task fails a second after it started.
    String[] flags = {"--replicas", "2", "--restart-condition", "none", "--update-parallelism", "1",
        "--update-delay", "2s", "--update-failure-action", "pause", "--update-monitor", "20s"};
    create("strict", flags);
    create("tolerant", java.util.stream.Stream.concat(java.util.Arrays.stream(flags),
        java.util.stream.Stream.of("--update-max-failure-ratio", "1")).toArray(String[]::new));
    assertEquals(1.0, Listed.service(js, "tolerant").getSpec().getUpdateConfig().getMaxFailureRatio());
    js.ok("service", "update", "--detach", "--env-add", "FAIL_AFTER=1", "strict");
    js.ok("service", "update", "--detach", "--env-add", "FAIL_AFTER=1", "tolerant");
    awaitState("strict", UpdateStatus.State.PAUSED);
    assertEquals(1, status("strict").getFailures());
    assertEquals(1, runningOld("strict"), "paused with the second slot still on the old version");
    awaitState("tolerant", UpdateStatus.State.COMPLETED);
    assertEquals(2, status("tolerant").getFailures(), "both slots replaced, both failures tolerated");
    assertEquals(0, runningOld("tolerant"));
    assertEquals(UpdateStatus.State.PAUSED, status("strict").getState(), "still paused");
    assertEquals(1, runningOld("strict"));
  }

  @Test
  void aRollbackRunsWithItsOwnParallelismOrderAndDelay() throws Exception {
    // The update replaces everything at once, stop-first; the rollback two at a time, start-first.
    create("back", "--replicas", "3", "--update-parallelism", "0", "--update-monitor", "500ms",
        "--rollback-parallelism", "2", "--rollback-order", "start-first", "--rollback-delay", "1s",
        "--rollback-monitor", "700ms", "--rollback-failure-action", "continue", "--rollback-max-failure-ratio", "0.4");
    UpdateConfig r = Listed.service(js, "back").getSpec().getRollbackConfig();
    assertEquals(UpdateConfig.newBuilder().setParallelism(2).setParallelismSet(true).setOrder(UpdateConfig.Order.START_FIRST)
        .setDelayMs(1_000).setMonitorMs(700).setMonitorSet(true).setFailureAction(UpdateConfig.FailureAction.CONTINUE)
        .setMaxFailureRatio(0.4).build(), r, "every --rollback-* flag in service inspect");
    js.ok("service", "update", "--detach", "--env-add", "V=2", "back");
    awaitState("back", UpdateStatus.State.COMPLETED);
    assertEquals(3, Host.runningRuncContainers(runcRoot).size());

    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<int[]> seen = new AtomicReference<>();
    Thread watcher = new Thread(() -> seen.set(Host.runningMinMax(runcRoot, stop)));
    watcher.start();
    try {
      js.ok("service", "rollback", "--detach", "back");
      awaitState("back", UpdateStatus.State.ROLLBACK_COMPLETED);
    } finally {
      stop.set(true);
      watcher.join();
    }
    assertEquals("rollback to revision 1 completed", status("back").getMessage());
    assertEquals(3, seen.get()[0], "start-first: never fewer than 3 running");
    assertEquals(5, seen.get()[1], "two extra at a time");
    Service s = Listed.service(js, "back");
    assertFalse(s.getSpec().getTask().getContainer().getEnvList().contains("V=2"), "back to the first spec");
    List<Task> back = current("back");
    assertEquals(3, back.size(), back.toString());
    assertTrue(back.stream().allMatch(t -> t.getRunningAtMs() > 0), back.toString());
    long firstBatchRan = Math.max(back.get(0).getRunningAtMs(), back.get(1).getRunningAtMs());
    assertTrue(back.get(1).getMeta().getCreatedAtMs() - back.get(0).getMeta().getCreatedAtMs() < 1_000,
        "the first two in one batch: " + back);
    long gap = back.get(2).getMeta().getCreatedAtMs() - firstBatchRan;
    assertTrue(gap >= 1_000, "the last one started " + gap + " ms after the first batch ran");
  }

  @Test
  void aRollbackToAFailingRevisionPausesOrGoesOnAsItsFailureActionSays() throws Exception {
    // Revision 1 fails a second after it starts; revision 2 (without FAIL_AFTER) runs; the
    // rollback to revision 1 fails again, within the rollback monitor period.
    for (String[] sa : List.of(new String[] {"halts", "pause"}, new String[] {"presses", "continue"})) {
      js.ok(java.util.stream.Stream.concat(java.util.stream.Stream.of("service", "create", "--name", sa[0], "--detach",
          "--stop-grace-period", "0s", "--restart-condition", "none", "--env", "FAIL_AFTER=1", "--update-monitor", "500ms",
          "--rollback-failure-action", sa[1], "--rollback-monitor", "10s"), CMD.stream()).toArray(String[]::new));
      js.ok("service", "update", "--detach", "--env-rm", "FAIL_AFTER", sa[0]);
    }
    awaitState("halts", UpdateStatus.State.COMPLETED);
    awaitState("presses", UpdateStatus.State.COMPLETED);
    js.ok("service", "rollback", "--detach", "halts");
    js.ok("service", "rollback", "--detach", "presses");
    awaitState("halts", UpdateStatus.State.ROLLBACK_PAUSED);
    UpdateStatus h = status("halts");
    assertTrue(h.getMessage().startsWith("rollback paused due to failure or early termination of task"), h.getMessage());
    awaitState("presses", UpdateStatus.State.ROLLBACK_COMPLETED);
    assertEquals(1, status("presses").getFailures(), "the failure was seen, and the rollback went on");
  }
}
