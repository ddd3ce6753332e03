package io.jswarm.manager.dispatcher;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.Heartbeat;
import io.jswarm.api.Hello;
import io.jswarm.api.LeaderHint;
import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.WorkerMessage;
import io.jswarm.manager.Fixtures;
import io.jswarm.manager.orchestrator.ReplicatedOrchestrator;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.Watch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher taking over as a new leader, over a real single-member store, with a fake clock
 * (liveness is judged only when the test calls {@code checkLiveness}). Default timing: heartbeat
 * 1 s, Down after 3 s of silence, and after a leader change 6 s of UNKNOWN first.
 */
@Timeout(60)
class DispatcherFailoverTest {
  @TempDir Path dir;
  RaftStore store;
  Dispatcher dispatcher;
  ReplicatedOrchestrator orchestrator;
  final AtomicLong now = new AtomicLong(1_000_000);

  @BeforeEach
  void up() throws Exception {
    store = io.jswarm.manager.TestStores.singleLeader(dir);
    Service s = Fixtures.service("s1", 4, RestartPolicy.Condition.ANY);
    // the state the previous leader left: both nodes READY, two running tasks on each
    store.update(tx -> {
      tx.create(Fixtures.node("n1", NodeStatus.State.READY, NodeSpec.Availability.ACTIVE));
      tx.create(Fixtures.node("n2", NodeStatus.State.READY, NodeSpec.Availability.ACTIVE));
      tx.create(s);
      for (int slot = 1; slot <= 4; slot++) {
        tx.create(Fixtures.task(s, slot, TaskState.RUNNING, TaskState.RUNNING, slot <= 2 ? "n1" : "n2", 1));
      }
    });
    dispatcher = new Dispatcher(store, now::get, false);
  }

  @AfterEach
  void down() {
    if (orchestrator != null) orchestrator.stop();
    if (dispatcher != null) dispatcher.stop();
    if (store != null) store.close();
  }

  @Test
  void newLeaderMarksEveryNodeUnknown() throws Exception {
    dispatcher.start();
    await(() -> state("n1") == NodeStatus.State.UNKNOWN && state("n2") == NodeStatus.State.UNKNOWN, "both nodes UNKNOWN");
    assertEquals(Dispatcher.UNKNOWN_MESSAGE, node("n1").getStatus().getMessage());
  }

  @Test
  void leaderChangeMovesNoTaskUntilASilentNodeIsDownAfterTwiceTheGrace() throws Exception {
    List<StoreEvent> history = new ArrayList<>();
    try (Watch<Void> w = store.watch()) {
      orchestrator = new ReplicatedOrchestrator(store);
      orchestrator.start();
      dispatcher.start();
      long t0 = now.get();
      await(() -> state("n1") == NodeStatus.State.UNKNOWN && state("n2") == NodeStatus.State.UNKNOWN, "both UNKNOWN");

      // n1's agent finds the new leader within the window; n2 stays silent
      FakeWorkerStream n1 = new FakeWorkerStream();
      StreamObserver<WorkerMessage> in = dispatcher.session(n1);
      now.set(t0 + 1_500);
      in.onNext(hello("n1"));
      await(() -> state("n1") == NodeStatus.State.READY, "n1 READY after its Hello");
      await(() -> n1.lastAssignedTaskIds() != null, "n1 got its full assignment set");
      assertEquals(tasksOn("n1"), n1.lastAssignedTaskIds());
      assertEquals(2, n1.lastAssignedTaskIds().size());

      // the window: 2 x the grace (6 s) from leadership start; n1 heartbeats every second
      for (long t = t0 + 2_000; t <= t0 + 6_000; t += 1_000) {
        now.set(t);
        in.onNext(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
        dispatcher.checkLiveness();
      }
      await(() -> dispatcher.nodeStatusBacklog() == 0, "node writes done");
      assertEquals(NodeStatus.State.UNKNOWN, state("n2"), "not Down before 2 x the grace, though past 1 x");
      assertEquals(NodeStatus.State.READY, state("n1"));

      now.set(t0 + 6_001);
      dispatcher.checkLiveness();
      await(() -> state("n2") == NodeStatus.State.DOWN, "n2 DOWN after 2 x the grace");
      assertEquals(Dispatcher.DOWN_MESSAGE, node("n2").getStatus().getMessage());
      // the orchestrator replaces n2's tasks now (its pass over the DOWN event sees n1 too)
      await(() -> store.read(v -> v.tasksByService("s1")).stream()
          .filter(t -> t.getNodeId().equals("n2")).allMatch(t -> t.getDesiredState() == TaskState.SHUTDOWN), "n2's tasks moved");
      assertNull(n1.closedWith, "n1's session stays open");
      assertEquals(NodeStatus.State.READY, state("n1"));

      for (List<StoreEvent> b = w.poll(Duration.ZERO); !b.isEmpty(); b = w.poll(Duration.ZERO)) history.addAll(b);
    }
    long downAt = history.stream().filter(e -> e.newObject() != null && e.newObject().hasNode()
        && e.newObject().getNode().getStatus().getState() == NodeStatus.State.DOWN).mapToLong(StoreEvent::index).min().orElseThrow();
    for (StoreEvent e : history) {
      if (e.oldObject() == null || !e.oldObject().hasTask() || e.newObject() == null) continue;
      Task before = e.oldObject().getTask();
      Task after = e.newObject().getTask();
      if (before.getDesiredState() == after.getDesiredState()) continue;
      assertEquals("n2", before.getNodeId(), "a task on n1 (READY throughout) was stopped: " + after);
      assertTrue(e.index() > downAt, "a task on n2 was stopped while n2 was UNKNOWN: " + after);
    }
  }

  @Test
  void aNodeHeardFromThenSilentIsDownAfterTheNormalGrace() throws Exception {
    dispatcher.start();
    long t0 = now.get();
    await(() -> state("n1") == NodeStatus.State.UNKNOWN, "n1 UNKNOWN");
    FakeWorkerStream n1 = new FakeWorkerStream();
    dispatcher.session(n1).onNext(hello("n1"));
    await(() -> state("n1") == NodeStatus.State.READY, "n1 READY");
    now.set(t0 + 3_000);
    dispatcher.checkLiveness();
    await(() -> dispatcher.nodeStatusBacklog() == 0, "node writes done");
    assertEquals(NodeStatus.State.READY, state("n1"));
    now.set(t0 + 3_001);
    dispatcher.checkLiveness();
    await(() -> state("n1") == NodeStatus.State.DOWN, "n1 DOWN 3 s after its last message");
    assertEquals(Status.Code.UNAVAILABLE, n1.closedWith.getCode(), "its session is ended");
  }

  @Test
  void aDownNodeThatSaysHelloAgainIsReady() throws Exception {
    dispatcher.start();
    long t0 = now.get();
    now.set(t0 + 6_001);
    dispatcher.checkLiveness();
    await(() -> state("n1") == NodeStatus.State.DOWN, "n1 DOWN");
    dispatcher.session(new FakeWorkerStream()).onNext(hello("n1"));
    await(() -> state("n1") == NodeStatus.State.READY, "n1 READY again");
    now.set(t0 + 6_001 + 3_000);
    dispatcher.checkLiveness();
    await(() -> dispatcher.nodeStatusBacklog() == 0, "node writes done");
    assertEquals(NodeStatus.State.READY, state("n1"), "judged again, on the normal grace from its Hello");
  }

  @Test
  void aHelloFromANodeNotInTheSwarmIsRefused() throws Exception {
    dispatcher.start();
    FakeWorkerStream stranger = new FakeWorkerStream();
    dispatcher.session(stranger).onNext(hello("nobody"));
    await(() -> stranger.closedWith != null, "the stranger's session ended");
    assertEquals(Status.Code.PERMISSION_DENIED, stranger.closedWith.getCode());
    assertTrue(store.read(v -> v.node("nobody")).isEmpty());
  }

  @Test
  void aManagerThatIsNotLeaderRefusesTheSessionAndNamesTheLeader() throws Exception {
    // never started: this dispatcher plays a follower's; the store's leader (m1) is node n1's manager
    store.update(tx -> tx.update(node("n1").toBuilder().setManagerStatus(ManagerStatus.newBuilder()
        .setRaftId("m1").setAddr("10.0.0.9:4242")).build()));
    FakeWorkerStream w = new FakeWorkerStream();
    dispatcher.session(w).onNext(hello("n2"));
    assertEquals(Status.Code.UNAVAILABLE, w.closedWith.getCode());
    assertEquals("10.0.0.9:4242", w.trailers.get(LeaderHint.KEY));
  }

  @Test
  void heartbeatsAreAnsweredWhileTheStoreIsBlocked() throws Exception {
    dispatcher.start();
    await(() -> state("n1") == NodeStatus.State.UNKNOWN, "n1 UNKNOWN");
    FakeWorkerStream n1 = new FakeWorkerStream();
    StreamObserver<WorkerMessage> in = dispatcher.session(n1);
    in.onNext(hello("n1"));
    await(() -> state("n1") == NodeStatus.State.READY, "n1 READY");

    // A long pass holds the store's read lock; a write committed meanwhile waits to apply, and
    // from then on every new read waits behind it: what a busy leader looks like.
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService bg = Executors.newCachedThreadPool();
    try {
      CountDownLatch passStarted = new CountDownLatch(1);
      bg.submit(() -> store.update(tx -> {
        passStarted.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      assertTrue(passStarted.await(10, TimeUnit.SECONDS));
      bg.submit(() -> store.update(tx -> tx.create(Fixtures.node("n3", NodeStatus.State.READY, NodeSpec.Availability.ACTIVE))));
      await(() -> {
        var probe = bg.submit(() -> store.read(v -> v.nodes().size()));
        try {
          probe.get(200, TimeUnit.MILLISECONDS);
          return false;
        } catch (TimeoutException blocked) {
          return true;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, "store reads blocked behind the waiting apply");

      int acksBefore = (int) n1.received.stream().filter(m -> m.hasHeartbeatAck()).count();
      long t0 = System.nanoTime();
      in.onNext(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(acksBefore + 1, n1.received.stream().filter(m -> m.hasHeartbeatAck()).count(), "acknowledged at once");
      assertTrue(tookMs < 1_000, "the heartbeat did not wait for the store: " + tookMs + " ms");
      // the failure detector judges without the store too: its verdict is written once the store moves
      now.addAndGet(3_001);
      t0 = System.nanoTime();
      dispatcher.checkLiveness();
      tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(tookMs < 1_000, "the liveness check did not wait for the store: " + tookMs + " ms");
      assertEquals(Status.Code.UNAVAILABLE, n1.closedWith.getCode(), "the silent node's session ended at once");
    } finally {
      release.countDown();
      bg.shutdown();
      assertTrue(bg.awaitTermination(20, TimeUnit.SECONDS));
    }
    await(() -> state("n1") == NodeStatus.State.DOWN, "n1 DOWN once the store moves again");
  }

  private static WorkerMessage hello(String id) {
    return WorkerMessage.newBuilder().setHello(Hello.newBuilder().setNodeId(id).setNodeName(id).setAddr("10.0.0.1:1")).build();
  }

  private Node node(String id) {
    return store.read(v -> v.node(id)).orElseThrow();
  }

  private NodeStatus.State state(String id) {
    return node(id).getStatus().getState();
  }

  private List<String> tasksOn(String nodeId) {
    return store.read(v -> v.tasksByNode(nodeId)).stream().map(Task::getId).sorted().toList();
  }

  static void await(BooleanSupplier c, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
      Thread.sleep(10); // poll interval of a deadline-bounded wait
    }
  }
}
