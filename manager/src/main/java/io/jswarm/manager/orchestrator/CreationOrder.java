package io.jswarm.manager.orchestrator;

import io.jswarm.api.Task;
import java.util.Comparator;

/**
 * Which of two tasks was made first: by the Raft index the orchestrator planned each from
 * ({@code Task.created_index}), never by a manager's wall clock, which differs between managers
 * and may step back across a leader change. Tasks from before that field (index 0) come first,
 * among themselves by their creation time; ids break the remaining ties so every manager agrees.
 */
public final class CreationOrder {
  private CreationOrder() {}

  public static final Comparator<Task> OLDEST_FIRST = Comparator.comparingLong(Task::getCreatedIndex)
      .thenComparingLong((Task t) -> t.getMeta().getCreatedAtMs())
      .thenComparing(Task::getId);

  public static final Comparator<Task> NEWEST_FIRST = OLDEST_FIRST.reversed();

  /** Whether {@code a} was made after {@code b}. */
  public static boolean newer(Task a, Task b) {
    return OLDEST_FIRST.compare(a, b) > 0;
  }
}
