package io.jswarm.store;

import static io.jswarm.store.Fixtures.batch;
import static io.jswarm.store.Fixtures.create;
import static io.jswarm.store.Fixtures.delete;
import static io.jswarm.store.Fixtures.node;
import static io.jswarm.store.Fixtures.service;
import static io.jswarm.store.Fixtures.so;
import static io.jswarm.store.Fixtures.task;
import static io.jswarm.store.Fixtures.update;
import static io.jswarm.store.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Service;
import io.jswarm.api.StoreAction;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The apply logic and transactions, without Ratis. */
@Timeout(10)
class ObjectStoreTest {
  private final ObjectStore store = new ObjectStore();

  @Test
  void createStampsVersionAndTimesFromTheBatchNotTheClock() {
    assertNull(store.apply(batch(1234, create(so(node("n1")))), 7));
    var n = store.read(v -> v.node("n1")).orElseThrow();
    assertEquals(7, n.getMeta().getVersion());
    assertEquals(1234, n.getMeta().getCreatedAtMs());
    assertEquals(1234, n.getMeta().getUpdatedAtMs());

    assertNull(store.apply(batch(2000, update(so(n.toBuilder().setMeta(version(7)).build()))), 9));
    var n2 = store.read(v -> v.node("n1")).orElseThrow();
    assertEquals(9, n2.getMeta().getVersion());
    assertEquals(1234, n2.getMeta().getCreatedAtMs(), "created_at survives updates");
    assertEquals(2000, n2.getMeta().getUpdatedAtMs());
  }

  @Test
  void versionConflictRejectsTheWholeBatch() {
    assertNull(store.apply(batch(1, create(so(node("n1"))), create(so(node("n2")))), 1));
    String before = store.digest();
    String conflict = store.apply(batch(2,
        create(so(node("n3"))),
        update(so(node("n1").toBuilder().setMeta(version(1)).build())),
        update(so(node("n2").toBuilder().setMeta(version(0)).build()))), 2);
    assertNotNull(conflict);
    assertTrue(conflict.contains("node n2"), conflict);
    assertTrue(conflict.contains("stale"), conflict);
    assertEquals(before, store.digest(), "nothing of the batch applied");
    assertTrue(store.read(v -> v.node("n3")).isEmpty());
    assertEquals(1, store.read(v -> v.node("n1")).orElseThrow().getMeta().getVersion());
  }

  @Test
  void deleteNeedsTheStoredVersion() {
    store.apply(batch(1, create(so(node("n1")))), 4);
    assertNotNull(store.apply(batch(2, delete(so(node("n1").toBuilder().setMeta(version(3)).build()))), 5));
    assertNull(store.apply(batch(2, delete(so(node("n1").toBuilder().setMeta(version(4)).build()))), 6));
    assertTrue(store.read(v -> v.node("n1")).isEmpty());
    assertNotNull(store.apply(batch(3, delete(so(node("n1").toBuilder().setMeta(version(4)).build()))), 7),
        "deleting a missing object is a conflict");
  }

  @Test
  void creatingAnExistingIdFails() {
    assertNull(store.apply(batch(1, create(so(task("t1", "s1", "n1")))), 1));
    String conflict = store.apply(batch(2, create(so(task("t1", "s2", "n2")))), 2);
    assertNotNull(conflict);
    assertTrue(conflict.contains("task t1") && conflict.contains("exists"), conflict);
    assertEquals("s1", store.read(v -> v.task("t1")).orElseThrow().getServiceId());
  }

  @Test
  void sameIdInDifferentKindsDoesNotClash() {
    assertNull(store.apply(batch(1, create(so(node("x"))), create(so(task("x", "s", "n")))), 1));
    assertEquals(2, store.size());
  }

  @Test
  void duplicateServiceNameFailsOnCreateAndOnRename() {
    assertNull(store.apply(batch(1, create(so(service("s1", "web"))), create(so(service("s2", "db")))), 1));
    String dup = store.apply(batch(2, create(so(service("s3", "web")))), 2);
    assertNotNull(dup);
    assertTrue(dup.contains("web") && dup.contains("s1"), dup);

    Service s2 = store.read(v -> v.service("s2")).orElseThrow();
    Service renamed = s2.toBuilder().setSpec(s2.getSpec().toBuilder().setName("web")).build();
    assertNotNull(store.apply(batch(3, update(so(renamed))), 3));

    // a rename that frees a name lets another service take it in the same batch
    Service s1 = store.read(v -> v.service("s1")).orElseThrow();
    Service s1Renamed = s1.toBuilder().setSpec(s1.getSpec().toBuilder().setName("web-old")).build();
    assertNull(store.apply(batch(4, update(so(s1Renamed)), update(so(renamed))), 4));
    assertEquals("s2", store.read(v -> v.serviceByName("web")).orElseThrow().getId());
    assertEquals("s1", store.read(v -> v.serviceByName("web-old")).orElseThrow().getId());
    assertTrue(store.read(v -> v.serviceByName("db")).isEmpty());
  }

  @Test
  void indicesFollowUpdatesAndDeletes() {
    store.apply(batch(1,
        create(so(task("t1", "s1", "n1"))),
        create(so(task("t2", "s1", "n2"))),
        create(so(task("t3", "s2", "")))), 1);
    assertEquals(List.of("t1", "t2"), ids(store.read(v -> v.tasksByService("s1"))));
    assertEquals(List.of("t1"), ids(store.read(v -> v.tasksByNode("n1"))));
    assertEquals(List.of(), ids(store.read(v -> v.tasksByNode(""))), "unscheduled tasks are on no node");

    Task t3 = store.read(v -> v.task("t3")).orElseThrow();
    Task t1 = store.read(v -> v.task("t1")).orElseThrow();
    store.apply(batch(2,
        update(so(t3.toBuilder().setNodeId("n1").build())),
        delete(so(t1))), 2);
    assertEquals(List.of("t2"), ids(store.read(v -> v.tasksByService("s1"))));
    assertEquals(List.of("t3"), ids(store.read(v -> v.tasksByNode("n1"))));
    assertEquals(List.of("t3"), ids(store.read(v -> v.tasksByService("s2"))));

    // a rejected batch leaves the indices as they were
    Task t2 = store.read(v -> v.task("t2")).orElseThrow();
    assertNotNull(store.apply(batch(3,
        update(so(t2.toBuilder().setServiceId("s9").build())),
        create(so(task("t3", "s1", "n1")))), 3));
    assertEquals(List.of("t2"), ids(store.read(v -> v.tasksByService("s1"))));
    assertEquals(List.of(), ids(store.read(v -> v.tasksByService("s9"))));
  }

  @Test
  void txReadsItsOwnWrites() {
    store.apply(batch(1, create(so(service("s1", "web"))), create(so(task("t1", "s1", "n1")))), 1);
    TxImpl tx = store.read(v -> {
      TxImpl t = new TxImpl((ObjectView) v);
      t.create(task("t2", "s1", "n2"));
      Task t1 = t.task("t1").orElseThrow();
      t.delete(t1);
      Service s = t.service("s1").orElseThrow();
      t.update(s.toBuilder().setSpec(s.getSpec().toBuilder().setName("www")).build());
      assertEquals(List.of("t2"), ids(t.tasksByService("s1")));
      assertEquals(List.of("t2"), ids(t.tasks()));
      assertTrue(t.task("t1").isEmpty());
      assertTrue(t.serviceByName("web").isEmpty());
      assertEquals("s1", t.serviceByName("www").orElseThrow().getId());
      assertEquals(List.of("t2"), ids(t.tasksByNode("n2")));
      return t;
    });
    // the store itself is untouched until the batch is applied
    assertEquals(List.of("t1"), ids(store.read(v -> v.tasks())));
    assertTrue(tx.mistakes().isEmpty(), tx.mistakes().toString());
    assertNull(store.apply(tx.toBatch(5, 0), 2));
    assertEquals(List.of("t2"), ids(store.read(v -> v.tasks())));
    assertEquals("www", store.read(v -> v.service("s1")).orElseThrow().getSpec().getName());
  }

  @Test
  void txFoldsChangesToOneActionPerObject() {
    store.apply(batch(1, create(so(node("n1"))), create(so(node("n2")))), 3);
    TxImpl tx = store.read(v -> {
      TxImpl t = new TxImpl((ObjectView) v);
      t.create(node("n3"));
      t.update(t.node("n3").orElseThrow().toBuilder().setSpec(node("n3").getSpec().toBuilder().setName("x")).build());
      t.create(node("n4"));
      t.delete(t.node("n4").orElseThrow());
      var n1 = t.node("n1").orElseThrow();
      t.update(n1.toBuilder().setRole(io.jswarm.api.NodeSpec.Role.MANAGER).build());
      t.update(t.node("n1").orElseThrow().toBuilder().setSpec(n1.getSpec().toBuilder().setName("y")).build());
      t.delete(t.node("n2").orElseThrow());
      t.create(node("n2"));
      return t;
    });
    StoreBatch b = tx.toBatch(9, 0);
    List<String> actions = new ArrayList<>();
    for (StoreAction a : b.getActionsList()) {
      actions.add(a.getKind() + " " + StoreObjects.id(a.getObject()));
    }
    assertEquals(List.of("CREATE n3", "UPDATE n1", "UPDATE n2"), actions);
    assertNull(store.apply(b, 4));
    var n1 = store.read(v -> v.node("n1")).orElseThrow();
    assertEquals("y", n1.getSpec().getName());
    assertEquals(io.jswarm.api.NodeSpec.Role.MANAGER, n1.getRole(), "the second update was built on the first");
    assertEquals("x", store.read(v -> v.node("n3")).orElseThrow().getSpec().getName());
  }

  @Test
  void txMistakesAreCaughtBeforeProposing() {
    TxImpl tx = store.read(v -> {
      TxImpl t = new TxImpl((ObjectView) v);
      t.create(node("n1"));
      t.create(node("n1"));
      t.create(node(""));
      return t;
    });
    assertEquals(2, tx.mistakes().size(), tx.mistakes().toString());
  }

  @Test
  void snapshotRestoreGivesTheSameDigestAndIndices() {
    store.apply(batch(1, create(so(service("s1", "web"))), create(so(task("t1", "s1", "n1"))),
        create(so(node("n1")))), 1);
    ObjectStore copy = new ObjectStore();
    copy.restore(store.toSnapshot());
    assertEquals(store.digest(), copy.digest());
    assertEquals(1, copy.index());
    assertEquals(List.of("t1"), ids(copy.read(v -> v.tasksByNode("n1"))));
    assertEquals("s1", copy.read(v -> v.serviceByName("web")).orElseThrow().getId());
    assertFalse(store.digest().equals(new ObjectStore().digest()));
  }

  @Test
  void restoreTellsWatchersTheDifference() {
    store.apply(batch(1, create(so(node("n1"))), create(so(node("n2")))), 1);
    ObjectStore other = new ObjectStore();
    other.apply(batch(1, create(so(node("n2"))), create(so(node("n3")))), 1);
    List<List<StoreEvent>> seen = new ArrayList<>();
    store.readAndWatch(v -> null, seen::add);
    store.restore(other.toSnapshot());
    assertEquals(1, seen.size());
    List<String> kinds = seen.get(0).stream()
        .map(e -> e.kind() + " " + StoreObjects.id(e.object())).toList();
    assertEquals(List.of("DELETE n1", "CREATE n3"), kinds); // n2 is byte-identical: no event
  }

  private static List<String> ids(List<Task> tasks) {
    return tasks.stream().map(Task::getId).toList();
  }
}
