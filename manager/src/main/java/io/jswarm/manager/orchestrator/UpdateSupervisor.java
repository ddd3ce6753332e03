package io.jswarm.manager.orchestrator;

import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.UpdateConfig;
import io.jswarm.api.UpdateStatus;
import java.util.List;

/**
 * The rolling update, as a pure function of a service and its tasks: how many stale tasks the
 * reconciler may replace in this pass, in which order, and how the update's status moves. It
 * runs inside the orchestrator's pass, so its decision and the tasks it allows are written in the
 * same transaction (described in manager/docs/rolling-update.md).
 *
 * <p>Batches: with delay 0, at most {@code parallelism} new tasks are in flight (made but not yet
 * RUNNING) at any time; with a delay, a batch of {@code parallelism} starts only once the previous
 * one is RUNNING and the delay has passed since. Failures: a task of the new version that fails
 * before it ran or within the monitor period after it first ran counts; when failures / tasks
 * exceed max_failure_ratio the failure action
 * applies (pause, continue, or rollback: the supervisor then asks for the previous spec). The
 * update completes when no stale task is left and every new task has been RUNNING for the
 * monitor period.
 */
public final class UpdateSupervisor {
  public static final long DEFAULT_MONITOR_MS = 5_000;

  private UpdateSupervisor() {}

  /**
   * @param budget stale tasks the reconciler may replace now (Long.MAX_VALUE = no limit)
   * @param status the service's new update status, or null when unchanged
   * @param rollback true when the failure action asks to return to the previous spec
   */
  public record Step(long budget, boolean startFirst, UpdateStatus status, boolean rollback) {}

  public static boolean rollingBack(UpdateStatus s) {
    return s.getState() == UpdateStatus.State.ROLLBACK_STARTED || s.getState() == UpdateStatus.State.ROLLBACK_PAUSED
        || s.getState() == UpdateStatus.State.ROLLBACK_COMPLETED;
  }

  /**
   * The message of a completed rollback: an automatic one keeps why it happened ("update rolled
   * back due to ..."); a requested one ("rollback to revision N in progress") says it is done.
   */
  static String rollbackDone(String message) {
    if (message.isEmpty()) return "rollback completed";
    return message.endsWith(" in progress") ? message.substring(0, message.length() - " in progress".length()) + " completed" : message;
  }

  /**
   * A failed task of the new version counts against the update when it never ran, or ended
   * within the monitor period after it first ran (both times from its node's clock); one that
   * failed later had passed its watch (Swarm's per-task monitor).
   */
  static boolean withinMonitor(Task failed, long monitor) {
    return failed.getRunningAtMs() == 0 || failed.getStatus().getTimestampMs() - failed.getRunningAtMs() < monitor;
  }

  /** When a RUNNING task started running (older records without running_at: its status time). */
  static long runningSince(Task t) {
    return t.getRunningAtMs() > 0 ? t.getRunningAtMs() : t.getStatus().getTimestampMs();
  }

  /**
   * The status to write once the pass's plan is known. A completion decided before the plan is
   * none when the same pass still makes tasks for the service: the pass that sees a stop-first
   * update's last old task down finds no stale task and nothing in flight, and makes that slot's
   * replacement in the same breath; the update is done only once that one has run for the monitor
   * period (and its failure, if it fails, counts).
   *
   * @param decided {@link Step#status()}
   * @param current the service's status before the pass
   * @param creating whether the pass's plan creates tasks for the service
   */
  public static UpdateStatus settle(UpdateStatus decided, UpdateStatus current, boolean creating) {
    if (decided == null || !creating) return decided;
    if (decided.getState() != UpdateStatus.State.COMPLETED && decided.getState() != UpdateStatus.State.ROLLBACK_COMPLETED) {
      return decided;
    }
    return decided.getFailures() == current.getFailures() ? null : current.toBuilder().setFailures(decided.getFailures()).build();
  }

  public static Step step(Service s, List<Task> tasks, long slots, long now) {
    UpdateStatus st = s.getUpdateStatus();
    boolean rolling = rollingBack(st);
    UpdateConfig cfg = rolling ? s.getSpec().getRollbackConfig() : s.getSpec().getUpdateConfig();
    long parallelism = cfg.getParallelismSet() ? cfg.getParallelism() : 1;
    if (parallelism == 0) parallelism = Long.MAX_VALUE;
    long monitor = cfg.getMonitorSet() ? cfg.getMonitorMs() : DEFAULT_MONITOR_MS;
    boolean startFirst = cfg.getOrder() == UpdateConfig.Order.START_FIRST;
    boolean active = st.getState() == UpdateStatus.State.UPDATING || st.getState() == UpdateStatus.State.ROLLBACK_STARTED;
    boolean paused = st.getState() == UpdateStatus.State.PAUSED || st.getState() == UpdateStatus.State.ROLLBACK_PAUSED;

    long stale = 0;
    long inFlight = 0;
    long failures = 0;
    long lastRunningAt = 0;
    boolean monitored = true;
    String failedTask = null;
    for (Task t : tasks) {
      boolean current = t.getSpecVersion() == s.getSpecVersion();
      TaskState obs = t.getStatus().getState();
      if (!current) {
        if (t.getDesiredState() == TaskState.RUNNING && !TaskStates.isTerminal(obs)) stale++;
        if (ReplicatedReconciler.stopping(t, s)) inFlight++; // stop-first: its replacement is yet to come
        continue;
      }
      boolean sinceStart = t.getMeta().getCreatedAtMs() >= st.getStartedAtMs();
      if (active && sinceStart && (obs == TaskState.FAILED || obs == TaskState.REJECTED) && withinMonitor(t, monitor)) {
        failures++;
        if (failedTask == null) failedTask = t.getId();
      }
      if (t.getDesiredState() != TaskState.RUNNING || TaskStates.isTerminal(obs)) continue;
      if (obs.getNumber() < TaskState.RUNNING.getNumber()) {
        inFlight++;
      } else if (sinceStart) {
        lastRunningAt = Math.max(lastRunningAt, runningSince(t));
        if (now - runningSince(t) < monitor) monitored = false;
      }
    }
    if (paused) return new Step(0, startFirst, null, false);

    long budget;
    if (cfg.getDelayMs() > 0) {
      budget = inFlight == 0 && now >= lastRunningAt + cfg.getDelayMs() ? parallelism : 0;
    } else {
      budget = parallelism == Long.MAX_VALUE ? parallelism : Math.max(0, parallelism - inFlight);
    }
    if (!active) return new Step(budget, startFirst, null, false);

    if (failures > 0 && failures > cfg.getMaxFailureRatio() * Math.max(1, slots)
        && cfg.getFailureAction() != UpdateConfig.FailureAction.CONTINUE) {
      String why = "due to failure or early termination of task " + failedTask;
      if (!rolling && cfg.getFailureAction() == UpdateConfig.FailureAction.ROLLBACK) {
        return new Step(0, startFirst, st.toBuilder().setFailures(failures)
            .setMessage("update rolled back " + why).build(), true);
      }
      UpdateStatus p = st.toBuilder().setFailures(failures)
          .setState(rolling ? UpdateStatus.State.ROLLBACK_PAUSED : UpdateStatus.State.PAUSED)
          .setMessage((rolling ? "rollback paused " : "update paused ") + why).build();
      return new Step(0, startFirst, p, false);
    }
    if (stale == 0 && inFlight == 0 && monitored) {
      return new Step(budget, startFirst, st.toBuilder().setFailures(failures).setCompletedAtMs(now)
          .setState(rolling ? UpdateStatus.State.ROLLBACK_COMPLETED : UpdateStatus.State.COMPLETED)
          .setMessage(rolling ? rollbackDone(st.getMessage())
              : "update completed").build(), false);
    }
    UpdateStatus next = failures != st.getFailures() ? st.toBuilder().setFailures(failures).build() : null;
    return new Step(budget, startFirst, next, false);
  }
}
