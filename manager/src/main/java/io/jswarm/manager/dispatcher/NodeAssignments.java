package io.jswarm.manager.dispatcher;

import io.jswarm.api.Assignments;
import io.jswarm.api.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What one session has been sent of its node's assignments: a complete set first, then only the
 * changes (see Assignments in dispatcher.proto). A task whose only change is its status (the
 * node's own report coming back) is not sent again ({@link TasksEqualStable}).
 */
final class NodeAssignments {
  private final Map<String, Task> sent = new HashMap<>();

  /** The complete set; what was sent before no longer counts. */
  Assignments complete(Collection<Task> current) {
    sent.clear();
    List<Task> tasks = new ArrayList<>(current);
    tasks.sort((a, b) -> a.getId().compareTo(b.getId()));
    for (Task t : tasks) sent.put(t.getId(), t);
    return Assignments.newBuilder().setType(Assignments.Type.COMPLETE).addAllTasks(tasks).build();
  }

  /**
   * The changes among {@code touched} task ids, given the node's set now; empty when none of
   * them changes anything the node must hear about.
   */
  Optional<Assignments> changes(Map<String, Task> current, Collection<String> touched) {
    Assignments.Builder out = Assignments.newBuilder().setType(Assignments.Type.INCREMENTAL);
    for (String id : new TreeSet<>(touched)) {
      Task now = current.get(id);
      Task before = sent.get(id);
      if (now == null) {
        if (before != null) {
          sent.remove(id);
          out.addRemoved(id);
        }
      } else if (!TasksEqualStable.equal(before, now)) {
        sent.put(id, now);
        out.addTasks(now);
      }
    }
    return out.getTasksCount() == 0 && out.getRemovedCount() == 0 ? Optional.empty() : Optional.of(out.build());
  }
}
