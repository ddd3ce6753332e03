package io.jswarm.manager.scheduler;

import static io.jswarm.manager.Fixtures.node;
import static io.jswarm.manager.Fixtures.service;
import static io.jswarm.manager.Fixtures.task;
import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec.Availability;
import io.jswarm.api.NodeStatus.State;
import io.jswarm.api.RestartPolicy.Condition;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private static List<Task> pending(Service s, int n) {
    List<Task> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) out.add(task(s, i, TaskState.PENDING, TaskState.RUNNING, "", i));
    return out;
  }

  @Test
  void spreadsReplicasEvenly() {
    Service s = service("s", 6, Condition.ANY);
    List<Node> nodes = List.of(node("a", State.READY, Availability.ACTIVE),
        node("b", State.READY, Availability.ACTIVE), node("c", State.READY, Availability.ACTIVE));
    var r = Scheduler.schedule(nodes, pending(s, 6));
    Map<String, Integer> count = new HashMap<>();
    r.placements().values().forEach(n -> count.merge(n, 1, Integer::sum));
    assertEquals(Map.of("a", 2, "b", 2, "c", 2), count);
  }

  @Test
  void prefersTheNodeWithFewerTasksOfTheService() {
    Service s = service("s", 2, Condition.ANY);
    List<Node> nodes = List.of(node("a", State.READY, Availability.ACTIVE), node("b", State.READY, Availability.ACTIVE));
    List<Task> tasks = new ArrayList<>(List.of(task(s, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1)));
    tasks.add(task(s, 2, TaskState.PENDING, TaskState.RUNNING, "", 2));
    assertEquals("b", Scheduler.schedule(nodes, tasks).placements().values().iterator().next());
  }

  @Test
  void skipsDownPausedAndDrainedNodesAndSaysWhy() {
    Service s = service("s", 1, Condition.ANY);
    List<Node> nodes = List.of(node("a", State.DOWN, Availability.ACTIVE),
        node("b", State.READY, Availability.DRAIN), node("c", State.READY, Availability.PAUSE));
    var r = Scheduler.schedule(nodes, pending(s, 1));
    assertTrue(r.placements().isEmpty());
    String why = r.unplaced().values().iterator().next();
    assertTrue(why.contains("1 node not ready") && why.contains("2 nodes not available for new tasks"), why);
  }

  @Test
  void finishedTasksDoNotCountAsLoad() {
    Service s = service("s", 1, Condition.ANY);
    List<Node> nodes = List.of(node("a", State.READY, Availability.ACTIVE), node("b", State.READY, Availability.ACTIVE));
    List<Task> tasks = new ArrayList<>(List.of(task(s, 1, TaskState.FAILED, TaskState.SHUTDOWN, "a", 1),
        task(s, 2, TaskState.RUNNING, TaskState.RUNNING, "b", 1)));
    tasks.add(task(s, 3, TaskState.PENDING, TaskState.RUNNING, "", 2));
    assertEquals("a", Scheduler.schedule(nodes, tasks).placements().values().iterator().next());
  }

  /** Every node count 1..12 against task counts 0..60 (every 5th, and 60): exhaustive, no random. */
  @Test
  void spreadIsWithinOneAndDeterministic() {
    for (int nodeCount = 1; nodeCount <= 12; nodeCount++) {
      for (int taskCount = 0; taskCount <= 60; taskCount += 5) spreadIsWithinOneAndDeterministic(nodeCount, taskCount);
      spreadIsWithinOneAndDeterministic(nodeCount, nodeCount * 3 + 1);
    }
  }

  private void spreadIsWithinOneAndDeterministic(int nodeCount, int taskCount) {
    Service s = service("s", taskCount, Condition.ANY);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) nodes.add(node("n" + i, State.READY, Availability.ACTIVE));
    var r = Scheduler.schedule(nodes, pending(s, taskCount));
    assertEquals(taskCount, r.placements().size());
    Map<String, Integer> count = new HashMap<>();
    for (Node n : nodes) count.put(n.getId(), 0);
    r.placements().values().forEach(n -> count.merge(n, 1, Integer::sum));
    int min = count.values().stream().min(Integer::compare).orElse(0);
    int max = count.values().stream().max(Integer::compare).orElse(0);
    assertTrue(max - min <= 1, count.toString());
    assertEquals(r, Scheduler.schedule(nodes, pending(s, taskCount)));
  }
}
