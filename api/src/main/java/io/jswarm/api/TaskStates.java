package io.jswarm.api;

/**
 * The one rule of the task model: observed state only moves forward. Enum numbers order the
 * states (see objects.proto), so "forward" is "a larger number".
 */
public final class TaskStates {
  private TaskStates() {}

  /** True when a task observed in {@code from} may be reported in {@code to}. */
  public static boolean canAdvance(TaskState from, TaskState to) {
    return to.getNumber() > from.getNumber();
  }

  /**
   * Returns {@code to} if it moves the task forward.
   *
   * @throws IllegalStateException when {@code to} would move the task backwards or stay put
   */
  public static TaskState advance(TaskState from, TaskState to) {
    if (!canAdvance(from, to)) {
      throw new IllegalStateException("task state cannot move from " + from + " to " + to);
    }
    return to;
  }

  /**
   * The one "task is live" rule: it is meant to run (desired state RUNNING or earlier) and has
   * not been seen to end. A live task fills its slot (replicated: service and slot number;
   * global: service and node), and the store refuses a create that would put a second live task
   * of the same spec version in a slot.
   */
  public static boolean isLive(Task t) {
    return t.getDesiredState().getNumber() <= TaskState.RUNNING.getNumber()
        && !isTerminal(t.getStatus().getState());
  }

  /** States past RUNNING: the container is gone or never ran. */
  public static boolean isTerminal(TaskState s) {
    return s.getNumber() > TaskState.RUNNING.getNumber();
  }
}
