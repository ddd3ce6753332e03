package io.jswarm.worker.agent;

import io.jswarm.api.Task;
import io.jswarm.api.TaskStatus;

/** One step the reconciler decided on; the agent carries it out. */
sealed interface Action {
  /** Create (unless it exists, created) and start the task's container, reporting each state. */
  record Start(Task task) implements Action {}

  /** Report a status now (adoption of a running container, an exit, a shutdown). */
  record Report(String taskId, TaskStatus status) implements Action {}

  /** Stop the container with its grace period, report SHUTDOWN if {@code report}, remove it. */
  record StopAndRemove(String containerId, long graceMs, String signal, boolean report) implements Action {}

  /** Remove a stopped container. */
  record Remove(String containerId) implements Action {}
}
