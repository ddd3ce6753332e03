package io.jswarm.manager;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.manager.orchestrator.ReplicatedOrchestrator;
import io.jswarm.manager.orchestrator.TaskReaper;
import io.jswarm.manager.scheduler.SchedulerComponent;
import io.jswarm.store.BatchLimits;
import io.jswarm.store.RaftStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader components together over a real single-member store (no workers: the test plays
 * the worker by writing task status as the dispatcher would).
 */
@Timeout(60)
class ManagerComponentsTest {
  @TempDir Path dir;
  RaftStore store;
  List<LeaderComponent> components;

  @BeforeEach
  void up() throws Exception {
    store = io.jswarm.manager.TestStores.singleLeader(dir);
    store.update(tx -> {
      tx.create(node("n1"));
      tx.create(node("n2"));
    });
    components = List.of(new ReplicatedOrchestrator(store), new SchedulerComponent(store), new TaskReaper(store));
    components.forEach(LeaderComponent::start);
  }

  @AfterEach
  void down() {
    if (components != null) components.forEach(LeaderComponent::stop);
    if (store != null) store.close();
  }

  static Node node(String id) {
    return Node.newBuilder().setId(id)
        .setSpec(NodeSpec.newBuilder().setName(id))
        .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build();
  }

  static void await(BooleanSupplier c, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
      Thread.sleep(20); // poll interval of a deadline-bounded wait
    }
  }

  private List<Task> live(String serviceId) {
    return store.read(v -> v.tasksByService(serviceId)).stream()
        .filter(t -> t.getDesiredState() == TaskState.RUNNING).toList();
  }

  /** Plays the worker: every assigned task reports RUNNING. */
  private void runAssigned() throws Exception {
    store.update(tx -> {
      for (Task t : tx.tasks()) {
        if (t.getStatus().getState() == TaskState.ASSIGNED && t.getDesiredState() == TaskState.RUNNING) {
          tx.update(t.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build());
        }
      }
    });
  }

  @Test
  void serviceConvergesScalesAndReplacesFailures() throws Exception {
    store.update(tx -> tx.create(Fixtures.service("s1", 4, RestartPolicy.Condition.ANY)));
    await(() -> live("s1").size() == 4 && live("s1").stream().allMatch(t -> !t.getNodeId().isEmpty()), "4 tasks placed");
    long onN1 = live("s1").stream().filter(t -> t.getNodeId().equals("n1")).count();
    assertEquals(2, onN1, "spread over both nodes");
    runAssigned();

    // scale down to 1: three tasks are marked for removal, and reaped once they report down
    Service s = store.read(v -> v.service("s1")).orElseThrow();
    store.update(tx -> tx.update(s.toBuilder().setSpec(s.getSpec().toBuilder()
        .setReplicated(ReplicatedService.newBuilder().setReplicas(1))).build()));
    await(() -> live("s1").size() == 1, "one live task");
    store.update(tx -> {
      for (Task t : tx.tasksByService("s1")) {
        if (t.getDesiredState() == TaskState.REMOVE) {
          tx.update(t.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.SHUTDOWN)).build());
        }
      }
    });
    await(() -> store.read(v -> v.tasksByService("s1")).size() == 1, "removed tasks reaped");

    // the one task fails: a replacement in the same slot
    Task victim = live("s1").get(0);
    store.update(tx -> tx.update(tx.task(victim.getId()).orElseThrow().toBuilder()
        .setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setErr("task: non-zero exit (137)")).build()));
    await(() -> live("s1").size() == 1 && !live("s1").get(0).getId().equals(victim.getId())
        && !live("s1").get(0).getNodeId().isEmpty(), "replacement assigned");
    assertEquals(victim.getSlot(), live("s1").get(0).getSlot());
    assertEquals(TaskState.SHUTDOWN, store.read(v -> v.task(victim.getId())).orElseThrow().getDesiredState());
  }

  @Test
  void removedServiceTasksAreRemovedAndReaped() throws Exception {
    store.update(tx -> tx.create(Fixtures.service("s2", 2, RestartPolicy.Condition.ANY)));
    await(() -> live("s2").size() == 2, "two tasks");
    store.update(tx -> tx.delete(tx.service("s2").orElseThrow()));
    await(() -> store.read(v -> v.tasksByService("s2")).stream().allMatch(t -> t.getDesiredState() == TaskState.REMOVE),
        "all marked for removal");
    runAssignedDown();
    await(() -> store.read(v -> v.tasksByService("s2")).isEmpty(), "all reaped");
  }

  private void runAssignedDown() throws Exception {
    store.update(tx -> {
      for (Task t : tx.tasks()) {
        tx.update(t.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.SHUTDOWN)).build());
      }
    });
  }

  @Test
  void tasksOfADownNodeMoveToALiveOne() throws Exception {
    store.update(tx -> tx.create(Fixtures.service("s3", 2, RestartPolicy.Condition.ANY)));
    await(() -> live("s3").size() == 2 && live("s3").stream().noneMatch(t -> t.getNodeId().isEmpty()), "placed");
    runAssigned();
    store.update(tx -> {
      Node n = tx.node("n2").orElseThrow();
      tx.update(n.toBuilder().setStatus(n.getStatus().toBuilder().setState(NodeStatus.State.DOWN)).build());
    });
    await(() -> live("s3").size() == 2 && live("s3").stream().allMatch(t -> t.getNodeId().equals("n1")), "all on n1");
  }

  @Test
  void aServiceTooLargeForOneEntryConvergesInBoundedEntries() throws Exception {
    int replicas = 3 * BatchLimits.DEFAULT_MAX_CHANGES + 50;
    store.update(tx -> tx.create(Fixtures.service("big", replicas, RestartPolicy.Condition.ANY)));
    await(() -> live("big").size() == replicas && live("big").stream().noneMatch(t -> t.getNodeId().isEmpty()),
        replicas + " tasks placed");
    // every task was last written by the scheduler: no entry carried more than the limit
    Map<Long, Long> perEntry = live("big").stream().collect(Collectors.groupingBy(
        t -> t.getMeta().getVersion(), Collectors.counting()));
    assertTrue(perEntry.size() >= 4, "placements spread over several entries: " + perEntry);
    assertTrue(perEntry.values().stream().allMatch(n -> n <= BatchLimits.DEFAULT_MAX_CHANGES), perEntry.toString());
    Set<Long> slots = new HashSet<>();
    live("big").forEach(t -> slots.add(t.getSlot()));
    assertEquals(replicas, slots.size(), "one live task per slot");
  }

  /**
   * An idle leader does no work per second: once 1,000 tasks are placed and the store is quiet,
   * the orchestrator, scheduler and reaper run no pass (and so look at no task) over a 3 s
   * window. Before the loops were incremental, each ran a full O(T) pass every idle second.
   * Counts passes, not time. Costs ~5 s (placing 1,000 tasks, then the window).
   */
  @Test
  void anIdleLeaderWithManyTasksRunsNoPass() throws Exception {
    int replicas = 1_000;
    store.update(tx -> tx.create(Fixtures.service("idle", replicas, RestartPolicy.Condition.ANY)));
    await(() -> live("idle").size() == replicas && live("idle").stream().noneMatch(t -> t.getNodeId().isEmpty()),
        replicas + " tasks placed");
    List<WatchLoop> loops = components.stream().map(c -> (WatchLoop) c).toList();
    awaitQuiet(loops);
    long[] passes = loops.stream().mapToLong(WatchLoop::passes).toArray();
    long[] visited = loops.stream().mapToLong(WatchLoop::visited).toArray();
    long[] resyncs = loops.stream().mapToLong(WatchLoop::resyncs).toArray();
    Thread.sleep(3_000); // the observation window itself: what an idle second costs is what is measured
    for (int i = 0; i < loops.size(); i++) {
      String name = loops.get(i).getClass().getSimpleName();
      assertEquals(passes[i], loops.get(i).passes(), name + " ran passes while idle");
      assertEquals(visited[i], loops.get(i).visited(), name + " looked at objects while idle");
      assertEquals(resyncs[i], loops.get(i).resyncs(), name + " re-read the whole store while idle");
    }
  }

  /** Waits until no component has run a pass for half a second (the tail of the placements). */
  private static void awaitQuiet(List<WatchLoop> loops) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long last = -1;
    while (true) {
      long now = loops.stream().mapToLong(WatchLoop::passes).sum();
      if (now == last) return;
      if (System.nanoTime() > deadline) fail("the components never went quiet");
      last = now;
      Thread.sleep(500); // the quiet period being checked for, bounded by the deadline above
    }
  }
}
