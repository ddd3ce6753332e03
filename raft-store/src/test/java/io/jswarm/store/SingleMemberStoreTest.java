package io.jswarm.store;

import static io.jswarm.store.Fixtures.await;
import static io.jswarm.store.Fixtures.freePort;
import static io.jswarm.store.Fixtures.node;
import static io.jswarm.store.Fixtures.service;
import static io.jswarm.store.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Node;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One member on loopback: writes, watches, restart and snapshots. */
@Timeout(30)
class SingleMemberStoreTest {
  @TempDir Path dir;
  private RaftStore store;

  private RaftStoreConfig config(long snapshotInterval) {
    String addr = "127.0.0.1:" + freePort();
    return RaftStoreConfig.builder(dir.resolve("m1"), "m1", addr)
        .initialMembers(List.of(new Member("m1", addr)))
        .snapshotInterval(snapshotInterval)
        .electionTimeout(Duration.ofMillis(300), Duration.ofMillis(600))
        .writeTimeout(Duration.ofSeconds(5))
        .build();
  }

  private RaftStore openLeader(RaftStoreConfig c) throws IOException {
    RaftStore s = RaftStore.open(c);
    await("m1 to lead", Duration.ofSeconds(15), s::isLeader);
    return s;
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void updateThenReadSeesIt() throws Exception {
    store = openLeader(config(10_000));
    long index = store.update(tx -> tx.create(node("n1")));
    Node n = store.read(v -> v.node("n1")).orElseThrow();
    assertEquals(index, n.getMeta().getVersion());
    assertTrue(n.getMeta().getCreatedAtMs() > 0);
    assertTrue(store.appliedIndex() >= index);

    long again = store.update(tx -> tx.update(tx.node("n1").orElseThrow().toBuilder()
        .setSpec(n.getSpec().toBuilder().setName("renamed")).build()));
    assertTrue(again > index);
    assertEquals("renamed", store.read(v -> v.node("n1")).orElseThrow().getSpec().getName());

    // write latency, sequential, for the report
    int writes = 30;
    long[] nanos = new long[writes];
    for (int i = 0; i < writes; i++) {
      String id = "lat-" + i;
      long t0 = System.nanoTime();
      store.update(tx -> tx.create(node(id)));
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    System.out.printf("single-member sequential write latency ms: min %.1f p50 %.1f max %.1f%n",
        nanos[0] / 1e6, nanos[writes / 2] / 1e6, nanos[writes - 1] / 1e6);
  }

  @Test
  void staleVersionIsAConflictNamingTheObject() throws Exception {
    store = openLeader(config(10_000));
    store.update(tx -> tx.create(task("t1", "s1", "")));
    Task read = store.read(v -> v.task("t1")).orElseThrow();
    store.update(tx -> tx.update(read.toBuilder().setNodeId("n1").build()));
    String before = store.digest();
    ConflictException e = assertThrows(ConflictException.class,
        () -> store.update(tx -> {
          tx.create(node("n9"));
          tx.update(read.toBuilder().setNodeId("n2").build());
        }));
    assertTrue(e.getMessage().contains("task t1"), e.getMessage());
    assertEquals(before, store.digest());
    assertTrue(store.read(v -> v.node("n9")).isEmpty());
  }

  @Test
  void emptyBatchIsNotProposed() throws Exception {
    store = openLeader(config(10_000));
    store.update(tx -> tx.create(node("n1")));
    long applied = store.appliedIndex();
    assertEquals(applied, store.update(tx -> tx.node("n1")));
    assertEquals(applied, store.appliedIndex());
  }

  @Test
  void watchGetsEachBatchInOrder() throws Exception {
    store = openLeader(config(10_000));
    try (Watch<Void> w = store.watch()) {
      long i1 = store.update(tx -> {
        tx.create(service("s1", "web"));
        tx.create(task("t1", "s1", ""));
      });
      long i2 = store.update(tx -> tx.update(tx.task("t1").orElseThrow().toBuilder().setNodeId("n1").build()));
      long i3 = store.update(tx -> tx.delete(tx.task("t1").orElseThrow()));

      List<StoreEvent> b1 = w.poll(Duration.ofSeconds(5));
      assertEquals(List.of(StoreEvent.Kind.CREATE, StoreEvent.Kind.CREATE), b1.stream().map(StoreEvent::kind).toList());
      assertEquals("web", b1.get(0).newObject().getService().getSpec().getName());
      assertTrue(b1.stream().allMatch(e -> e.index() == i1));

      List<StoreEvent> b2 = w.poll(Duration.ofSeconds(5));
      assertEquals(1, b2.size());
      assertEquals(StoreEvent.Kind.UPDATE, b2.get(0).kind());
      assertEquals("", b2.get(0).oldObject().getTask().getNodeId());
      assertEquals("n1", b2.get(0).newObject().getTask().getNodeId());
      assertEquals(i2, b2.get(0).index());

      List<StoreEvent> b3 = w.poll(Duration.ofSeconds(5));
      assertEquals(StoreEvent.Kind.DELETE, b3.get(0).kind());
      assertEquals(i3, b3.get(0).index());
      assertEquals(null, b3.get(0).newObject());

      assertEquals(List.of(), w.poll(Duration.ofMillis(50)), "nothing more");
    }
  }

  /** Writers race a reader that snapshots-and-subscribes; the initial view plus events must equal the end state. */
  @Test
  void viewAndWatchMissesNothingUnderConcurrentWrites() throws Exception {
    store = openLeader(config(10_000));
    int writers = 4;
    int perWriter = 25;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int wi = w;
      Thread t = new Thread(() -> {
        try {
          for (int i = 0; i < perWriter; i++) {
            String id = "t-" + wi + "-" + i;
            store.update(tx -> tx.create(task(id, "s", "")));
            if (i % 3 == 0) {
              store.update(tx -> tx.update(tx.task(id).orElseThrow().toBuilder().setNodeId("n" + wi).build()));
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      threads.add(t);
      t.start();
    }
    await("some writes", Duration.ofSeconds(10), () -> store.read(v -> v.tasks().size()) >= 10);
    Watch<Map<String, Task>> w = store.viewAndWatch(v -> {
      Map<String, Task> m = new HashMap<>();
      v.tasks().forEach(t -> m.put(t.getId(), t));
      return m;
    });
    for (Thread t : threads) {
      t.join(20_000);
    }
    if (failure.get() != null) {
      throw new AssertionError("writer failed", failure.get());
    }
    Map<String, Task> mirror = new HashMap<>(w.initial());
    long last = 0;
    // the last batch's index is the newest version (appliedIndex may be past it: Ratis metadata entries)
    long end = store.read(v -> v.tasks().stream().mapToLong(t -> t.getMeta().getVersion()).max().orElse(0));
    long seenUpTo = 0;
    // Every writer has returned, so every event is queued; one entry may carry several writes
    // (group commit), whose events can come in more than one poll: read until the queue is dry.
    while (true) {
      List<StoreEvent> batch = w.poll(seenUpTo < end ? Duration.ofSeconds(5) : Duration.ZERO);
      if (batch.isEmpty() && seenUpTo >= end) break;
      assertTrue(!batch.isEmpty(), "events stopped before index " + end);
      for (StoreEvent e : batch) {
        assertTrue(e.index() > last || e.index() == last, "events in index order");
        last = e.index();
        Task t = e.object().getTask();
        switch (e.kind()) {
          case CREATE -> assertEquals(null, mirror.put(t.getId(), e.newObject().getTask()), "duplicate create " + t.getId());
          case UPDATE -> assertEquals(e.oldObject().getTask(), mirror.put(t.getId(), e.newObject().getTask()));
          case DELETE -> mirror.remove(t.getId());
        }
      }
      seenUpTo = last;
    }
    Map<String, Task> actual = new HashMap<>();
    store.read(v -> v.tasks()).forEach(t -> actual.put(t.getId(), t));
    assertEquals(writers * perWriter, actual.size());
    assertEquals(actual, mirror);
    w.close();
  }

  @Test
  void reopenFromTheLogRestoresIdenticalState() throws Exception {
    RaftStoreConfig c = config(10_000);
    store = openLeader(c);
    writeSome(store, 20);
    String digest = store.digest();
    long applied = store.appliedIndex();
    store.close();

    store = openLeader(c);
    long expected = applied;
    await("replay to " + expected, Duration.ofSeconds(10), () -> store.appliedIndex() >= expected);
    assertEquals(digest, store.digest());
    assertEquals(20, taskCount(store));
    // and it takes writes again, versions moving on
    long next = store.update(tx -> tx.create(node("after-restart")));
    assertTrue(next > applied);
  }

  @Test
  void snapshotThenReopenRestoresFromSnapshotPlusRemainingLog() throws Exception {
    RaftStoreConfig c = config(15); // auto snapshots too
    store = openLeader(c);
    writeSome(store, 40);
    store.takeSnapshot();
    writeSome(store, 5, "late-");
    String digest = store.digest();
    long applied = store.appliedIndex();
    store.close();

    try (Stream<Path> files = Files.walk(c.dataDir())) {
      List<String> snapshots = files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("snapshot.") && !n.endsWith(".md5")).toList();
      assertTrue(!snapshots.isEmpty(), "a snapshot file was written");
      assertTrue(snapshots.size() <= 2, "old snapshots are cleaned up: " + snapshots);
    }

    store = openLeader(c);
    await("replay to " + applied, Duration.ofSeconds(10), () -> store.appliedIndex() >= applied);
    assertEquals(digest, store.digest());
    assertEquals(45, taskCount(store));
  }

  @Test
  void leadershipListenerHearsTrueThenFalseOnClose() throws Exception {
    store = openLeader(config(10_000));
    List<Boolean> heard = new CopyOnWriteArrayList<>();
    store.addLeadershipListener(heard::add);
    await("listener told it leads", Duration.ofSeconds(5), () -> heard.equals(List.of(true)));
    store.close();
    assertEquals(List.of(true, false), heard);
    assertThrows(UnavailableException.class, () -> store.update(tx -> tx.create(node("x"))));
    store = null;
  }

  static int taskCount(RaftStore s) {
    return s.read(v -> v.tasks().size());
  }

  static void writeSome(RaftStore s, int n) throws StoreException {
    writeSome(s, n, "t");
  }

  static void writeSome(RaftStore s, int n, String prefix) throws StoreException {
    for (int i = 0; i < n; i++) {
      String id = prefix + i;
      // each task fills a slot of its own: the store refuses a second live task in a slot
      s.update(tx -> tx.create(task(id, "s" + (id.hashCode() & 3), "n" + (id.hashCode() & 1))
          .toBuilder().setSlot(Math.floorMod(id.hashCode(), 1_000_000) + 1).setDesiredState(TaskState.RUNNING).build()));
    }
  }
}
