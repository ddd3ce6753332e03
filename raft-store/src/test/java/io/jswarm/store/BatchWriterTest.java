package io.jswarm.store;

import static io.jswarm.store.Fixtures.await;
import static io.jswarm.store.Fixtures.freePort;
import static io.jswarm.store.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bounded entries on one member: the limit refuses before Raft, the writer splits a pass. */
@Timeout(30)
class BatchWriterTest {
  @TempDir Path dir;
  private RaftStore store;

  private void open(BatchLimits limits) throws Exception {
    String addr = "127.0.0.1:" + freePort();
    RaftStoreConfig c = RaftStoreConfig.builder(dir.resolve("m1"), "m1", addr)
        .initialMembers(List.of(new Member("m1", addr)))
        .electionTimeout(Duration.ofMillis(300), Duration.ofMillis(600))
        .build();
    store = RaftStore.open(c, limits);
    await("m1 to lead", Duration.ofSeconds(15), store::isLeader);
  }

  @AfterEach
  void close() {
    if (store != null) store.close();
  }

  @Test
  void aWriteOverTheChangeLimitIsRefusedBeforeRaft() throws Exception {
    open(new BatchLimits(10, 64 << 10));
    long before = store.appliedIndex();
    EntryTooLargeException e = assertThrows(EntryTooLargeException.class, () -> store.update(tx -> {
      for (int i = 0; i < 11; i++) tx.create(node("n" + i));
    }));
    assertTrue(e.getMessage().contains("11 changes") && e.getMessage().contains("10 changes"), e.getMessage());
    assertEquals(before, store.appliedIndex(), "nothing was proposed");
    assertTrue(store.read(v -> v.nodes()).isEmpty());
  }

  @Test
  void aWriteOverTheByteLimitIsRefusedBeforeRaft() throws Exception {
    open(new BatchLimits(200, 4096));
    Node big = node("big").toBuilder().setSpec(node("big").getSpec().toBuilder().setName("x".repeat(5000))).build();
    EntryTooLargeException e = assertThrows(EntryTooLargeException.class, () -> store.update(tx -> tx.create(big)));
    assertTrue(e.getMessage().contains("4096 bytes"), e.getMessage());
  }

  @Test
  void aLeaderPassCommitsInEntriesOfAtMostTheLimitEachCheckedOnItsOwn() throws Exception {
    open(new BatchLimits(10, 64 << 10));
    BatchWriter w = store.leaderBatch();
    for (int i = 0; i < 25; i++) {
      String id = String.format("n%02d", i);
      w.update(tx -> tx.create(node(id)));
    }
    long last = w.commit();
    List<Node> nodes = store.read(v -> v.nodes());
    assertEquals(25, nodes.size());
    Set<Long> entries = new TreeSet<>();
    nodes.forEach(n -> entries.add(n.getMeta().getVersion()));
    assertEquals(3, entries.size(), "10 + 10 + 5 changes: three entries " + entries);
    assertEquals(last, ((TreeSet<Long>) entries).last());
  }

  @Test
  void aSmallTransactionNeverSpansTwoEntries() throws Exception {
    open(new BatchLimits(10, 64 << 10));
    BatchWriter w = store.leaderBatch();
    for (int i = 0; i < 4; i++) {
      int g = i;
      w.update(tx -> {
        for (int j = 0; j < 4; j++) tx.create(node("g" + g + "-" + j));
      });
    }
    w.commit();
    List<Node> nodes = store.read(v -> v.nodes());
    for (int g = 0; g < 4; g++) {
      String prefix = "g" + g + "-";
      assertEquals(1, nodes.stream().filter(n -> n.getId().startsWith(prefix)).map(n -> n.getMeta().getVersion())
          .distinct().count(), "group " + g + " in one entry");
    }
    assertThrows(EntryTooLargeException.class, () -> store.leaderBatch().update(tx -> {
      for (int j = 0; j < 11; j++) tx.create(node("too-many-" + j));
    }));
  }

  @Test
  void aLaterTransactionSeesTheChangesGatheredBeforeIt() throws Exception {
    open(BatchLimits.DEFAULT);
    BatchWriter w = store.leaderBatch();
    w.update(tx -> tx.create(node("n1")));
    w.update(tx -> {
      Node n = tx.node("n1").orElseThrow();
      tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().setName("renamed")).build());
    });
    w.commit();
    assertEquals("renamed", store.read(v -> v.node("n1")).orElseThrow().getSpec().getName());
  }

  /** What docs/limits.md reports: an entry at the default byte bound goes through Ratis. */
  @Test
  void anEntryAtTheDefaultByteLimitIsCommitted() throws Exception {
    open(BatchLimits.DEFAULT);
    String label = "y".repeat(6_000);
    long index = store.update(tx -> {
      for (int i = 0; i < 170; i++) {
        tx.create(node("big" + i).toBuilder().setSpec(node("big" + i).getSpec().toBuilder().setName(label)).build());
      }
    });
    assertTrue(index > 0);
    assertEquals(170, store.read(v -> v.nodes()).size());
  }
}
