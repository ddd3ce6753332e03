package io.jswarm.worker.agent;

import io.jswarm.api.Assignments;
import io.jswarm.api.Task;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * This node's assignments as the dispatcher streams them: a complete set at the start of every
 * session, then changes (see Assignments in dispatcher.proto). Changes that arrive before this
 * session's complete set have nothing to apply to and are ignored; the complete set follows.
 */
final class AssignedTasks {
  private final TreeMap<String, Task> tasks = new TreeMap<>();
  private boolean complete;

  /** A new session: its complete set is awaited; what is known stays until it comes. */
  synchronized void sessionStarted() {
    complete = false;
  }

  /** Applies one message; the whole set after it, or empty when it could not be applied. */
  synchronized Optional<List<Task>> apply(Assignments a) {
    if (a.getType() == Assignments.Type.COMPLETE) {
      tasks.clear();
      complete = true;
    } else if (!complete) {
      return Optional.empty();
    }
    for (String id : a.getRemovedList()) tasks.remove(id);
    for (Task t : a.getTasksList()) tasks.put(t.getId(), t);
    return Optional.of(List.copyOf(tasks.values()));
  }
}
