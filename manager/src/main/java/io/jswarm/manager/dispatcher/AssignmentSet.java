package io.jswarm.manager.dispatcher;

import io.jswarm.api.Task;
import io.jswarm.api.TaskStates;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a node's tasks travel to it. Finished tasks do not: their absence tells the worker to
 * remove what is left of their containers; live ones do, whatever their desired state, so that
 * the worker stops those that should stop. Tasks not yet ASSIGNED do not either.
 */
final class AssignmentSet {
  private AssignmentSet() {}

  static List<Task> forNode(List<Task> tasks) {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks) {
      // A global service's task names its node before the scheduler confirmed it (PENDING).
      if (!TaskStates.isTerminal(t.getStatus().getState())
          && t.getStatus().getState().getNumber() >= io.jswarm.api.TaskState.ASSIGNED.getNumber()) out.add(t);
    }
    out.sort((a, b) -> a.getId().compareTo(b.getId()));
    return out;
  }
}
