package io.jswarm.manager.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jswarm.api.Node;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.TaskStatus;
import io.jswarm.manager.ModelStore;
import io.jswarm.manager.RandomChanges;
import io.jswarm.store.StoreEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The orchestrator run incrementally, as the component does (events into its index; reconcile
 * only the dirty services and apply their plans, until nothing is dirty), after any seeded random
 * sequence of node, service and worker changes, leaves nothing that a full recompute over every
 * service would still change; and its index equals a rebuild. 200 seeds × 60 changes, checked every fifth;
 * a few seconds.
 */
@Timeout(60)
class OrchestratorPropertyTest {
  private static final long NOW = 1_000_000;

  @Test
  void incrementalReachesTheFullRecomputesFixedPoint() {
    AtomicLong visited = new AtomicLong();
    for (long seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      ModelStore m = new ModelStore();
      RandomChanges changes = new RandomChanges(r, m);
      for (int i = 0; i < 4; i++) m.put(changes.node());
      for (int i = 0; i < 3; i++) m.put(changes.service());
      OrchestratorIndex index = new OrchestratorIndex();
      index.reset(m);
      converge(m, index, visited, "seed " + seed + " start");
      for (int step = 0; step < 60; step++) {
        String at = "seed " + seed + " step " + step;
        StoreEvent e = change(r, m, changes);
        if (e != null) index.apply(e);
        converge(m, index, visited, at);
        if (step % 5 != 4) continue; // the full recompute is the costly part: every fifth change
        OrchestratorIndex fresh = new OrchestratorIndex();
        fresh.reset(m);
        assertEquals(fresh.kept(), index.kept(), at);
        assertFullPlansEmpty(m, at);
      }
    }
  }

  /** A change a user, a node or a worker makes (never one only the orchestrator makes). */
  private static StoreEvent change(Random r, ModelStore m, RandomChanges changes) {
    int k = r.nextInt(10);
    List<Task> tasks = m.tasks();
    if (k < 2) return m.put(changes.node());
    if (k < 4) return m.put(changes.service());
    if (k < 5 && !m.services().isEmpty()) return m.delete(io.jswarm.api.StoreObject.newBuilder()
        .setService(m.services().get(r.nextInt(m.services().size()))).build());
    if (tasks.isEmpty()) return null;
    Task t = tasks.get(r.nextInt(tasks.size()));
    if (k < 6) return TaskStates.isTerminal(t.getStatus().getState()) ? m.delete(t) : null; // the reaper
    // a worker reports: the task moves forward (or is told to stop and stops)
    TaskState next;
    if (t.getDesiredState().getNumber() > TaskState.RUNNING.getNumber()) next = TaskState.SHUTDOWN;
    else {
      TaskState[] forward = {TaskState.ASSIGNED, TaskState.RUNNING, TaskState.RUNNING, TaskState.FAILED, TaskState.COMPLETE};
      next = forward[r.nextInt(forward.length)];
    }
    if (next.getNumber() <= t.getStatus().getState().getNumber()) return null;
    Task.Builder b = t.toBuilder().setStatus(TaskStatus.newBuilder().setState(next).setTimestampMs(NOW));
    if (b.getNodeId().isEmpty()) b.setNodeId("n" + r.nextInt(4));
    return m.put(b.build());
  }

  /** Reconciles the dirty services and applies their plans, until nothing is dirty. */
  private static void converge(ModelStore m, OrchestratorIndex index, AtomicLong visited, String at) {
    for (int round = 0; round < 30; round++) {
      Set<String> todo = index.takeDirty(m, visited);
      if (todo.isEmpty()) return;
      List<Node> nodes = new ArrayList<>(index.nodes.values());
      Set<String> down = index.down();
      for (String id : todo) {
        Service s = m.service(id).orElse(null);
        if (s == null) {
          for (Task t : ReplicatedReconciler.removeAll(m.tasksByService(id))) index.apply(m.put(t));
          continue;
        }
        var plan = ReplicatedOrchestrator.plan(s, m.tasksByService(id), nodes, down, NOW, m.index());
        for (Task t : plan.updates()) index.apply(m.put(t));
        for (Task t : plan.creates()) index.apply(m.put(t));
        if (plan.serviceChange() != null) index.apply(m.put(plan.serviceChange()));
      }
    }
    fail(at + ": the incremental orchestrator did not settle in 30 rounds");
  }

  private static void assertFullPlansEmpty(ModelStore m, String at) {
    List<Node> nodes = m.nodes();
    Set<String> down = new TreeSet<>();
    for (Node n : nodes) if (OrchestratorIndex.isDown(n)) down.add(n.getId());
    for (Service s : m.services()) {
      var plan = ReplicatedOrchestrator.plan(s, m.tasksByService(s.getId()), nodes, down, NOW, m.index());
      assertTrue(plan.updates().isEmpty() && plan.creates().isEmpty() && plan.serviceChange() == null,
          at + ": a full pass would still change service " + s.getId() + ": " + plan);
    }
    for (Task t : m.tasks()) {
      if (m.service(t.getServiceId()).isEmpty()) {
        assertEquals(TaskState.REMOVE, t.getDesiredState(), at + ": orphan " + t.getId() + " not removed");
      }
    }
  }
}
