package io.jswarm.worker.agent;

import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.TaskStatusUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest status of every task this agent reported, and which of them the current session has
 * not sent yet. Statuses only move forward (past the manager's record too). The protocol has no
 * acknowledgement, so after a reconnect every latest status is sent again.
 */
final class StatusReporter {
  private final Map<String, TaskStatus> latest = new HashMap<>();
  private final Map<String, TaskState> floor = new HashMap<>();
  private final Set<String> pending = new LinkedHashSet<>();

  /** The message of a RUNNING task whose container is frozen. */
  static final String PAUSED = "paused";

  /**
   * Records a status; false (and nothing recorded) when it would not move the task forward. The
   * one same-state report let through is a RUNNING task paused or thawed (its message changes).
   */
  synchronized boolean update(String taskId, TaskStatus status) {
    TaskStatus cur = latest.get(taskId);
    TaskState f = floor.get(taskId);
    boolean pauseChange = cur != null && cur.getState() == TaskState.RUNNING && status.getState() == TaskState.RUNNING
        && !cur.getMessage().equals(status.getMessage())
        && (cur.getMessage().equals(PAUSED) || status.getMessage().equals(PAUSED));
    if (cur != null && status.getState().getNumber() <= cur.getState().getNumber() && !pauseChange) {
      return false;
    }
    if (f != null && status.getState().getNumber() <= f.getNumber() && !pauseChange) {
      return false;
    }
    latest.put(taskId, status);
    pending.add(taskId);
    return true;
  }

  /** The manager's recorded states, from the assignments: nothing at or below them is sent. */
  synchronized void setFloors(Map<String, TaskState> managerStates) {
    floor.clear();
    floor.putAll(managerStates);
    latest.keySet().removeIf(id -> !managerStates.containsKey(id) && !pending.contains(id));
  }

  synchronized Map<String, TaskState> reported() {
    Map<String, TaskState> out = new HashMap<>();
    latest.forEach((k, v) -> out.put(k, v.getState()));
    return out;
  }

  synchronized List<TaskStatusUpdate> takePending() {
    List<TaskStatusUpdate> out = new ArrayList<>();
    for (String id : pending) {
      out.add(TaskStatusUpdate.newBuilder().setTaskId(id).setStatus(latest.get(id)).build());
    }
    pending.clear();
    return out;
  }

  /** After a reconnect: everything is sent again. */
  synchronized void resendAll() {
    pending.addAll(latest.keySet());
  }

  synchronized TaskStatus latest(String taskId) {
    return latest.get(taskId);
  }
}
