package io.jswarm.manager.dispatcher;

import io.jswarm.api.Task;

/**
 * Whether two versions of a task differ in anything its node must hear about (swarmkit's
 * {@code TasksEqualStable}): the observed status came from the node itself, and the meta and
 * the first-RUNNING time follow from it, so a change of those alone is never sent back.
 */
final class TasksEqualStable {
  private TasksEqualStable() {}

  static boolean equal(Task a, Task b) {
    if (a == b) return true;
    if (a == null || b == null) return false;
    return stable(a).equals(stable(b));
  }

  private static Task stable(Task t) {
    return t.toBuilder().clearStatus().clearMeta().clearRunningAtMs().build();
  }
}
