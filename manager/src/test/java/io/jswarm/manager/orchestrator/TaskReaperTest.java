package io.jswarm.manager.orchestrator;

import static io.jswarm.manager.Fixtures.node;
import static io.jswarm.manager.Fixtures.service;
import static io.jswarm.manager.Fixtures.task;
import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.NodeSpec.Availability;
import io.jswarm.api.NodeStatus.State;
import io.jswarm.api.RestartPolicy.Condition;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskReaperTest {
  private final Service s = service("s", 1, Condition.ANY);
  private final List<io.jswarm.api.Node> nodes = List.of(node("a", State.READY, Availability.ACTIVE),
      node("dead", State.DOWN, Availability.ACTIVE));

  @Test
  void removeWaitsUntilTheTaskIsDown() {
    Task running = task(s, 2, TaskState.RUNNING, TaskState.REMOVE, "a", 1);
    Task stopped = task(s, 3, TaskState.SHUTDOWN, TaskState.REMOVE, "a", 1);
    Task neverPlaced = task(s, 4, TaskState.PENDING, TaskState.REMOVE, "", 1);
    Task onDeadNode = task(s, 5, TaskState.RUNNING, TaskState.REMOVE, "dead", 1);
    assertEquals(List.of(stopped, neverPlaced, onDeadNode),
        TaskReaper.reap(List.of(running, stopped, neverPlaced, onDeadNode), nodes, 5));
  }

  @Test
  void historyIsTrimmedToTheLimitOldestFirst() {
    List<Task> ts = new ArrayList<>();
    for (int i = 1; i <= 7; i++) ts.add(task(s, 1, TaskState.FAILED, TaskState.SHUTDOWN, "a", i));
    ts.add(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 8));
    List<Task> reaped = TaskReaper.reap(ts, nodes, 5);
    assertEquals(List.of(ts.get(0), ts.get(1)), reaped);
  }

  @Test
  void liveTasksAreNeverReaped() {
    Task live = task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1);
    Task shuttingDown = task(s, 1, TaskState.RUNNING, TaskState.SHUTDOWN, "a", 1);
    assertTrue(TaskReaper.reap(List.of(live, shuttingDown), nodes, 0).isEmpty());
  }
}
