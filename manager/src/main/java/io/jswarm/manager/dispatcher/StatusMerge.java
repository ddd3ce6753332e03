package io.jswarm.manager.dispatcher;

import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.TaskStatus;
import java.util.Optional;

/**
 * Applies a worker's status report to a task, or ignores it: only the node the task is assigned
 * to may report, only states from ACCEPTED on, and only forward moves (a late or duplicated
 * report never moves a task back). The first RUNNING report also sets the task's running_at_ms.
 */
final class StatusMerge {
  private StatusMerge() {}

  static Optional<Task> apply(Task t, String reportingNode, TaskStatus reported) {
    if (!t.getNodeId().equals(reportingNode)) return Optional.empty();
    if (reported.getState().getNumber() < TaskState.ACCEPTED.getNumber()) return Optional.empty();
    boolean pauseChange = t.getStatus().getState() == TaskState.RUNNING && reported.getState() == TaskState.RUNNING
        && !t.getStatus().getMessage().equals(reported.getMessage())
        && (t.getStatus().getMessage().equals("paused") || reported.getMessage().equals("paused"));
    // the one same-state report taken: a RUNNING task's container paused or thawed on its node
    if (!pauseChange && !TaskStates.canAdvance(t.getStatus().getState(), reported.getState())) return Optional.empty();
    Task.Builder b = t.toBuilder().setStatus(reported);
    // the time it first ran is kept through later reports (a pause moves status.timestamp_ms)
    if (reported.getState() == TaskState.RUNNING && t.getRunningAtMs() == 0) b.setRunningAtMs(reported.getTimestampMs());
    return Optional.of(b.build());
  }
}
