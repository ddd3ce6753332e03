package io.jswarm.manager.dispatcher;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.stub.StreamObserver;
import io.jswarm.api.Assignments;
import io.jswarm.api.Hello;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.StatusReport;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.TaskStatusUpdate;
import io.jswarm.api.WorkerMessage;
import io.jswarm.manager.Fixtures;
import io.jswarm.store.RaftStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental dispatch over a real single-member store: a complete set per session, then only
 * changes; a status-only change never goes back to its node; a reconnect starts from a complete
 * set; a status batch with stale reports in it commits the others. About 3 s per test, most of
 * it the store's start.
 */
@Timeout(60)
class DispatcherDeltaTest {
  @TempDir Path dir;
  RaftStore store;
  Dispatcher dispatcher;
  final AtomicLong now = new AtomicLong(1_000_000);
  final Service s1 = Fixtures.service("s1", 5, RestartPolicy.Condition.ANY);

  @BeforeEach
  void up() throws Exception {
    store = io.jswarm.manager.TestStores.singleLeader(dir);
    store.update(tx -> {
      tx.create(Fixtures.node("n1", NodeStatus.State.READY, NodeSpec.Availability.ACTIVE));
      tx.create(Fixtures.node("n2", NodeStatus.State.READY, NodeSpec.Availability.ACTIVE));
      tx.create(s1);
      tx.create(task(1, TaskState.RUNNING, "n1"));
      tx.create(task(2, TaskState.ASSIGNED, "n1"));
      tx.create(task(3, TaskState.RUNNING, "n2"));
    });
    dispatcher = new Dispatcher(store, now::get, false);
    dispatcher.start();
  }

  @AfterEach
  void down() {
    if (dispatcher != null) dispatcher.stop();
    if (store != null) store.close();
  }

  @Test
  void afterACompleteSetOnlyChangesTravelAndStatusOnlyChangesNever() throws Exception {
    FakeWorkerStream n1 = new FakeWorkerStream();
    StreamObserver<WorkerMessage> in = dispatcher.session(n1);
    in.onNext(hello("n1"));
    await(() -> n1.assignments().size() == 1, "the complete set");
    Assignments first = n1.assignments().get(0);
    assertEquals(Assignments.Type.COMPLETE, first.getType());
    assertEquals(List.of("t1", "t2"), first.getTasksList().stream().map(Task::getId).toList());

    // add
    store.update(tx -> tx.create(task(4, TaskState.ASSIGNED, "n1")));
    Assignments added = next(n1, 2);
    assertEquals(Assignments.Type.INCREMENTAL, added.getType());
    assertEquals(List.of("t4"), ids(added));
    assertEquals(0, added.getRemovedCount());

    // status only: the node's own report comes back to the store, and not to the node
    in.onNext(WorkerMessage.newBuilder().setStatus(StatusReport.newBuilder()
        .addUpdates(report("t2", TaskState.ACCEPTED)).addUpdates(report("t2", TaskState.RUNNING))).build());
    await(() -> store.read(v -> v.task("t2")).orElseThrow().getStatus().getState() == TaskState.RUNNING, "t2 RUNNING in the store");
    store.update(tx -> tx.update(task("t1").toBuilder().setStatus(TaskStatus.newBuilder()
        .setState(TaskState.RUNNING).setMessage("paused")).build())); // status-only, written by anyone
    // update: the desired state moves; the message after it carries that change alone
    store.update(tx -> tx.update(task("t4").toBuilder().setDesiredState(TaskState.SHUTDOWN).build()));
    Assignments updated = next(n1, 3);
    assertEquals(List.of("t4"), ids(updated), "t2's and t1's status-only changes were not sent: " + updated);
    assertEquals(TaskState.SHUTDOWN, updated.getTasks(0).getDesiredState());

    // remove: a finished task leaves the set, a task moved to another node too
    store.update(tx -> tx.update(task("t4").toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.SHUTDOWN)).build()));
    Assignments removed = next(n1, 4);
    assertEquals(List.of("t4"), removed.getRemovedList());
    assertEquals(0, removed.getTasksCount());
    store.update(tx -> tx.delete(task("t2")));
    assertEquals(List.of("t2"), next(n1, 5).getRemovedList());
    assertEquals(List.of("t1"), n1.lastAssignedTaskIds());
    assertEquals(List.of("t1"), liveOn("n1"));
  }

  @Test
  void aReconnectingNodeGetsACompleteSet() throws Exception {
    FakeWorkerStream first = new FakeWorkerStream();
    StreamObserver<WorkerMessage> in = dispatcher.session(first);
    in.onNext(hello("n1"));
    await(() -> first.assignments().size() == 1, "the first session's complete set");
    in.onError(new RuntimeException("cut off"));
    // while it is away: one task removed, one added
    store.update(tx -> {
      tx.delete(task("t2"));
      tx.create(task(4, TaskState.ASSIGNED, "n1"));
    });
    FakeWorkerStream second = new FakeWorkerStream();
    dispatcher.session(second).onNext(hello("n1"));
    await(() -> !second.assignments().isEmpty(), "the second session's first set");
    Assignments again = second.assignments().get(0);
    assertEquals(Assignments.Type.COMPLETE, again.getType());
    assertEquals(List.of("t1", "t4"), ids(again));
    assertEquals(liveOn("n1"), second.lastAssignedTaskIds());
  }

  @Test
  void aStatusBatchWithStaleReportsCommitsTheRest() throws Exception {
    store.update(tx -> tx.create(task(5, TaskState.ASSIGNED, "n1")));
    store.update(tx -> tx.delete(task("t2"))); // a report for it is stale: the task is gone
    List<StatusWriter.Report> batch = List.of(
        new StatusWriter.Report("n1", report("t5", TaskState.RUNNING)),
        new StatusWriter.Report("n1", report("t2", TaskState.RUNNING)),    // deleted
        new StatusWriter.Report("n1", report("t3", TaskState.FAILED)),     // t3 is n2's task
        new StatusWriter.Report("n1", report("t1", TaskState.ACCEPTED)),   // backwards: t1 is RUNNING
        new StatusWriter.Report("n1", report("nope", TaskState.RUNNING))); // never existed
    assertTrue(new StatusWriter(store).write(batch, () -> true), "acknowledged");
    assertEquals(TaskState.RUNNING, task("t5").getStatus().getState(), "the good report committed");
    assertEquals(TaskState.RUNNING, task("t3").getStatus().getState(), "another node's report changed nothing");
    assertEquals(TaskState.RUNNING, task("t1").getStatus().getState(), "a backwards report changed nothing");
  }

  // ------------------------------------------------------------ helpers

  private Task task(long slot, TaskState observed, String node) {
    return Fixtures.task(s1, slot, observed, TaskState.RUNNING, node, 1).toBuilder().setId("t" + slot).build();
  }

  private Task task(String id) {
    return store.read(v -> v.task(id)).orElseThrow();
  }

  private List<String> liveOn(String node) {
    return store.read(v -> v.tasksByNode(node)).stream().filter(AssignmentSet::travels).map(Task::getId).sorted().toList();
  }

  private static List<String> ids(Assignments a) {
    return a.getTasksList().stream().map(Task::getId).toList();
  }

  /** The {@code n}th Assignments message (1-based), waited for; no more than n came. */
  private static Assignments next(FakeWorkerStream w, int n) throws Exception {
    await(() -> w.assignments().size() >= n, "assignments message " + n);
    assertEquals(n, w.assignments().size(), "one message per change: " + w.assignments());
    return w.assignments().get(n - 1);
  }

  private static TaskStatusUpdate report(String id, TaskState s) {
    return TaskStatusUpdate.newBuilder().setTaskId(id).setStatus(TaskStatus.newBuilder().setState(s).setTimestampMs(1)).build();
  }

  private static WorkerMessage hello(String id) {
    return WorkerMessage.newBuilder().setHello(Hello.newBuilder().setNodeId(id).setNodeName(id).setAddr("10.0.0.1:1")).build();
  }

  private static void await(BooleanSupplier c, String what) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for: " + what);
      Thread.sleep(10);
    }
  }
}
