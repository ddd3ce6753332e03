package io.jswarm.store;

import static io.jswarm.store.Fixtures.batch;
import static io.jswarm.store.Fixtures.create;
import static io.jswarm.store.Fixtures.node;
import static io.jswarm.store.Fixtures.so;
import static io.jswarm.store.Fixtures.update;
import static io.jswarm.store.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.StoreAction;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreEntry;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commit keeps every write its own: per-write results, the entry limits, and the order of
 * writes. The sender is a stand-in for Ratis that holds each entry until the test releases it and
 * then applies it to an {@link ObjectStore} through the state machine's own decoding
 * ({@link StoreEntries#apply}); the real path is {@link GroupCommitStoreTest}. Costs ~0.2 s.
 */
@Timeout(30)
class GroupCommitTest {
  /** Holds sent entries; {@link #release} applies them in order, as the log would. */
  static final class HeldSender implements GroupCommit.Sender {
    final ObjectStore store = new ObjectStore();
    final ArrayDeque<byte[]> held = new ArrayDeque<>();
    final ArrayDeque<CompletableFuture<ByteBuffer>> answers = new ArrayDeque<>();
    final List<StoreEntry> entries = new ArrayList<>();
    long index;

    @Override
    public CompletableFuture<ByteBuffer> apply(byte[] entry) {
      CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
      held.add(entry);
      answers.add(f);
      return f;
    }

    /** Applies every held entry, and those sent meanwhile, in order. */
    void release() throws Exception {
      while (!held.isEmpty()) {
        byte[] e = held.poll();
        entries.add(StoreEntry.parseFrom(e));
        var answer = StoreEntries.apply(store, ByteBuffer.wrap(e), ++index, 1);
        answers.poll().complete(answer.getContent().asReadOnlyByteBuffer());
      }
    }
  }

  private static StoreBatch creates(String prefix, int n) {
    StoreBatch.Builder b = StoreBatch.newBuilder().setProposedAtMs(1);
    for (int i = 0; i < n; i++) {
      b.addActions(create(so(node(prefix + i))));
    }
    return b.build();
  }

  @Test
  void aConflictingWriteAmongGoodOnesFailsOnlyItselfWithItsOwnError() throws Exception {
    HeldSender s = new HeldSender();
    GroupCommit gc = new GroupCommit(BatchLimits.DEFAULT, 1, s);
    var first = gc.submit(batch(1, create(so(node("n0")))), 1); // in flight; the rest queue behind it
    List<CompletableFuture<ApplyResult>> results = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      StoreBatch b = i == 5
          ? batch(1, update(so(node("n0").toBuilder().setMeta(version(99)).build()))) // stale version
          : batch(1, create(so(node("n" + i))));
      results.add(gc.submit(b, 1));
    }
    s.release();
    assertNull(first.get().conflict());
    assertEquals(2, s.entries.size(), "the nine queued writes went in one entry");
    assertEquals(9, s.entries.get(1).getBatchesCount());
    long index = results.get(0).get().index();
    for (int i = 1; i <= 9; i++) {
      ApplyResult r = results.get(i - 1).get();
      assertEquals(index, r.index(), "write " + i + " answered with its entry's index");
      if (i == 5) {
        assertNotNull(r.conflict());
        assertTrue(r.conflict().contains("node n0") && r.conflict().contains("version 99 is stale"), r.conflict());
      } else {
        assertNull(r.conflict(), "write " + i + ": " + r.conflict());
        assertTrue(s.store.get(io.jswarm.api.StoreObject.ObjectCase.NODE, "n" + i).isPresent());
      }
    }
    assertEquals(1, s.store.get(io.jswarm.api.StoreObject.ObjectCase.NODE, "n0").map(StoreObjects::version).orElseThrow(),
        "the refused update changed nothing");
  }

  @Test
  void writesOverTheLimitsSplitAcrossEntries() throws Exception {
    HeldSender s = new HeldSender();
    BatchLimits limits = new BatchLimits(200, 4096);
    GroupCommit gc = new GroupCommit(limits, 1, s);
    List<CompletableFuture<ApplyResult>> results = new ArrayList<>();
    results.add(gc.submit(creates("first-", 1), 1));
    for (int i = 0; i < 4; i++) {
      results.add(gc.submit(creates("big" + i + "-", 150), 150)); // two never fit one entry
    }
    for (int i = 0; i < 60; i++) {
      StoreBatch b = batch(1, create(so(node("small-" + i).toBuilder()
          .setSpec(node("x").getSpec().toBuilder().setName("x".repeat(100))).build())));
      results.add(gc.submit(b, 1)); // ~130 bytes each: about 30 fit in 4 KiB
    }
    s.release();
    for (var r : results) {
      assertNull(r.get().conflict(), r.get().conflict());
    }
    int writes = 0;
    for (StoreEntry e : s.entries) {
      int changes = e.getBatchesList().stream().mapToInt(StoreBatch::getActionsCount).sum();
      assertTrue(changes <= 200, "an entry of " + changes + " changes");
      assertTrue(e.getSerializedSize() <= 4096 || e.getBatchesCount() == 1, "an entry of " + e.getSerializedSize() + " bytes");
      writes += e.getBatchesCount();
    }
    assertEquals(65, writes);
    assertTrue(s.entries.size() >= 1 + 4 + 2, "big writes alone, small ones in several entries: " + s.entries.size());
    assertTrue(s.entries.size() < 65, "small writes were grouped: " + s.entries.size() + " entries");
  }

  @Test
  void oneClientsWritesApplyInTheOrderSubmitted() throws Exception {
    HeldSender s = new HeldSender();
    GroupCommit gc = new GroupCommit(new BatchLimits(7, 1 << 20), 1, s);
    List<CompletableFuture<ApplyResult>> results = new ArrayList<>();
    results.add(gc.submit(batch(1, create(so(node("counter")))), 1));
    s.release();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sent.add("w" + i);
      results.add(gc.submit(batch(1, create(so(node("w" + i)))), 1));
    }
    s.release();
    List<String> applied = new ArrayList<>();
    for (StoreEntry e : s.entries) {
      for (StoreBatch b : e.getBatchesList()) {
        for (StoreAction a : b.getActionsList()) {
          String id = a.getObject().getNode().getId();
          if (id.startsWith("w")) applied.add(id);
        }
      }
    }
    assertEquals(sent, applied);
    long last = 0;
    for (var r : results) {
      assertNull(r.get().conflict());
      assertTrue(r.get().index() >= last, "indexes follow submission order");
      last = r.get().index();
    }
    assertTrue(s.entries.size() > 2, "the limit of 7 changes split the queue over several entries");
  }

  @Test
  void aFailedEntryFailsEachOfItsWritesAndTheNextEntryStillGoes() throws Exception {
    HeldSender s = new HeldSender();
    GroupCommit gc = new GroupCommit(BatchLimits.DEFAULT, 1, s);
    var first = gc.submit(batch(1, create(so(node("a")))), 1);
    var queued = gc.submit(batch(1, create(so(node("b")))), 1);
    s.held.poll();
    s.answers.poll().completeExceptionally(new java.io.IOException("no quorum"));
    assertTrue(first.isCompletedExceptionally());
    s.release(); // the queued write went out as the next entry
    assertNull(queued.get().conflict());
  }
}
