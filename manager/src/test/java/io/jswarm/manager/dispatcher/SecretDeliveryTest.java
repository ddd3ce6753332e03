package io.jswarm.manager.dispatcher;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Assignments;
import io.jswarm.api.Hello;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Secret;
import io.jswarm.api.SecretReference;
import io.jswarm.api.SecretValue;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.WorkerMessage;
import io.jswarm.manager.Fixtures;
import io.jswarm.manager.secrets.SecretSealing;
import io.jswarm.pki.KeyWrap;
import io.jswarm.store.RaftStore;
import java.nio.charset.StandardCharsets;
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
 * Secrets travel in the assignment stream only to the node whose task names them: n1 runs a task
 * that uses secret "db", n2 a task that uses none; n2 never receives the value, in its complete
 * set or in any change, until a task of its own names it.
 */
@Timeout(60)
class SecretDeliveryTest {
  static final String VALUE = "s3cr3t-value-for-n1-only";
  @TempDir Path dir;
  RaftStore store;
  Dispatcher dispatcher;
  final byte[] clusterKey = KeyWrap.newKey();
  final AtomicLong now = new AtomicLong(1_000_000);
  Secret secret;
  Service plain;
  Service withSecret;

  @BeforeEach
  void up() throws Exception {
    store = io.jswarm.manager.TestStores.singleLeader(dir);
    secret = SecretSealing.seal(Secret.newBuilder().setId("sec1").setName("db").setVersionNumber(1), clusterKey,
        VALUE.getBytes(StandardCharsets.UTF_8)).build();
    plain = Fixtures.service("plain", 1, RestartPolicy.Condition.ANY);
    Service s = Fixtures.service("uses", 1, RestartPolicy.Condition.ANY);
    var b = s.toBuilder();
    b.getSpecBuilder().getTaskBuilder().getContainerBuilder().addSecrets(SecretReference.newBuilder()
        .setSecretId("sec1").setSecretName("db").setTarget("/run/secrets/db").setMode(0444).setModeSet(true));
    withSecret = b.build();
    store.update(tx -> {
      tx.create(Fixtures.node("n1", NodeStatus.State.READY, NodeSpec.Availability.ACTIVE));
      tx.create(Fixtures.node("n2", NodeStatus.State.READY, NodeSpec.Availability.ACTIVE));
      tx.create(secret);
      tx.create(plain);
      tx.create(withSecret);
      tx.create(task(withSecret, 1, "a1", "n1"));
      tx.create(task(plain, 1, "b1", "n2"));
    });
    dispatcher = new Dispatcher(store, now::get, false, () -> clusterKey);
    dispatcher.start();
  }

  @AfterEach
  void down() {
    if (dispatcher != null) dispatcher.stop();
    if (store != null) store.close();
  }

  @Test
  void onlyTheNodeRunningATaskThatNamesTheSecretReceivesIt() throws Exception {
    FakeWorkerStream n1 = new FakeWorkerStream();
    FakeWorkerStream n2 = new FakeWorkerStream();
    dispatcher.session(n1).onNext(hello("n1"));
    dispatcher.session(n2).onNext(hello("n2"));
    await(() -> n1.assignments().size() == 1 && n2.assignments().size() == 1, "both complete sets");
    List<SecretValue> got = n1.assignments().get(0).getSecretsList();
    assertEquals(1, got.size());
    assertEquals("db", got.get(0).getName());
    assertEquals(VALUE, got.get(0).getData().toStringUtf8());
    assertEquals(0, n2.assignments().get(0).getSecretsCount());

    // more work for n2 that needs no secret: still nothing
    store.update(tx -> tx.create(task(plain, 2, "b2", "n2")));
    await(() -> n2.assignments().size() == 2, "n2's change");
    assertEquals(0, n2.assignments().get(1).getSecretsCount());
    // a change of n1's task (its desired state) is n1's alone; a stopping task needs no value
    store.update(tx -> tx.update(store.read(v -> v.task("a1")).orElseThrow().toBuilder().setDesiredState(TaskState.SHUTDOWN).build()));
    await(() -> n1.assignments().size() == 2, "n1's change");
    assertEquals(0, n1.assignments().get(1).getSecretsCount());
    assertEquals(2, n2.assignments().size(), "n2 heard nothing of it");
    assertTrue(n2.received.stream().noneMatch(m -> m.toByteString().toStringUtf8().contains(VALUE)), "no message to n2 carries the value");

    // once n2 gets a task that names the secret, the value comes with it
    store.update(tx -> tx.create(task(withSecret, 2, "a2", "n2")));
    await(() -> n2.assignments().size() == 3, "n2's task with a secret");
    Assignments third = n2.assignments().get(2);
    assertEquals(List.of("a2"), third.getTasksList().stream().map(Task::getId).toList());
    assertEquals(VALUE, third.getSecrets(0).getData().toStringUtf8());
  }

  @Test
  void withoutTheClusterKeyTheValueIsLeftOut() throws Exception {
    dispatcher.stop();
    dispatcher = new Dispatcher(store, now::get, false, () -> null);
    dispatcher.start();
    FakeWorkerStream n1 = new FakeWorkerStream();
    dispatcher.session(n1).onNext(hello("n1"));
    await(() -> n1.assignments().size() == 1, "the complete set");
    assertEquals(1, n1.assignments().get(0).getTasksCount());
    assertEquals(0, n1.assignments().get(0).getSecretsCount());
  }

  private static Task task(Service s, long slot, String id, String node) {
    return Fixtures.task(s, slot, TaskState.ASSIGNED, TaskState.RUNNING, node, 1).toBuilder().setId(id)
        .setSpec(s.getSpec().getTask()).build();
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
