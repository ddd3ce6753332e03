package io.jswarm.store;

import static io.jswarm.store.Fixtures.await;
import static io.jswarm.store.Fixtures.freePort;
import static io.jswarm.store.Fixtures.node;
import static io.jswarm.store.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three members in one JVM on loopback. */
@Timeout(60)
class ThreeMemberStoreTest {
  private static final Duration CONVERGE = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<RaftStoreConfig> configs = new ArrayList<>();
  private final RaftStore[] stores = new RaftStore[3];
  private Consumer<RaftProperties> tweak = p -> { };

  private void start(long snapshotInterval, Duration writeTimeout) throws IOException {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(new Member("m" + i, "127.0.0.1:" + freePort()));
    }
    for (Member m : members) {
      configs.add(RaftStoreConfig.builder(dir.resolve(m.id()), m.id(), m.address())
          .initialMembers(members)
          .snapshotInterval(snapshotInterval)
          .electionTimeout(Duration.ofMillis(500), Duration.ofMillis(1000))
          .writeTimeout(writeTimeout)
          .build());
    }
    for (int i = 0; i < 3; i++) {
      stores[i] = RaftStore.open(configs.get(i), tweak);
    }
    awaitLeader();
  }

  /** Closes the members in parallel: a Ratis server takes about a second to shut down. */
  @AfterEach
  void closeAll() throws InterruptedException {
    closeInParallel(stores);
  }

  static void closeInParallel(RaftStore... stores) throws InterruptedException {
    List<Thread> closers = new ArrayList<>();
    for (RaftStore s : stores) {
      if (s != null) {
        Thread t = new Thread(s::close, "close-" + s.selfId());
        t.start();
        closers.add(t);
      }
    }
    for (Thread t : closers) {
      t.join(10_000);
    }
  }

  private void closeAllBut(int keep) throws InterruptedException {
    RaftStore[] others = new RaftStore[3];
    for (int i = 0; i < 3; i++) {
      if (i != keep) {
        others[i] = stores[i];
        stores[i] = null;
      }
    }
    closeInParallel(others);
  }

  private int awaitLeader() {
    int[] leader = {-1};
    await("a ready leader", CONVERGE, () -> {
      for (int i = 0; i < 3; i++) {
        if (stores[i] != null && stores[i].isLeader()) {
          leader[0] = i;
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  private int aFollower(int leader) {
    for (int i = 0; i < 3; i++) {
      if (i != leader && stores[i] != null) {
        return i;
      }
    }
    throw new AssertionError("no follower");
  }

  /** Every open member has applied {@code index} and holds the same objects. */
  private void awaitConverged(long index) {
    await("all members at index " + index + " with equal digests", CONVERGE, () -> {
      String digest = null;
      for (RaftStore s : stores) {
        if (s == null) {
          continue;
        }
        if (s.appliedIndex() < index) {
          return false;
        }
        String d = s.digest();
        if (digest != null && !digest.equals(d)) {
          return false;
        }
        digest = d;
      }
      return true;
    });
  }

  @Test
  void writeOnAFollowerIsAppliedEverywhere() throws Exception {
    start(10_000, Duration.ofSeconds(5));
    int leader = awaitLeader();
    RaftStore follower = stores[aFollower(leader)];
    assertEquals(stores[leader].selfId(), follower.leaderId().orElseThrow());

    long index = follower.update(tx -> tx.create(node("n1")));
    // the follower waited for its own apply: read-after-write holds locally
    assertEquals(index, follower.read(v -> v.node("n1")).orElseThrow().getMeta().getVersion());
    awaitConverged(index);
    assertEquals(3, follower.members().size());

    // A write through the leader, then a synced read on each follower sees it: linearizable.
    for (int i = 0; i < 20; i++) {
      String id = "lin" + i;
      stores[leader].update(tx -> tx.create(node(id)));
      for (int f = 0; f < stores.length; f++) {
        if (f == leader) continue;
        stores[f].syncForRead(Duration.ofSeconds(5));
        assertTrue(stores[f].read(v -> v.node(id)).isPresent(), "member " + f + " sees " + id + " after syncForRead");
      }
    }
  }

  @Test
  void closingTheLeaderElectsAnotherAndTheReopenedMemberCatchesUp() throws Exception {
    start(10_000, Duration.ofSeconds(5));
    int leader = awaitLeader();
    SingleMemberStoreTest.writeSome(stores[leader], 10);
    List<Boolean> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    int other = aFollower(leader);
    stores[other].addLeadershipListener(heard::add);

    long t0 = System.nanoTime();
    stores[leader].close();
    stores[leader] = null;
    int next = awaitLeader();
    System.out.printf("leader closed -> new leader ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertTrue(next != leader);

    // writes continue, from either survivor
    long index = stores[aFollower(next)].update(tx -> tx.create(node("after-failover")));
    SingleMemberStoreTest.writeSome(stores[next], 5, "late-");
    long last = stores[next].update(tx -> tx.create(node("last")));
    assertTrue(index > 0 && last > index);
    if (next == other) {
      await("survivor told it leads", Duration.ofSeconds(5), () -> heard.contains(true));
    }

    stores[leader] = RaftStore.open(configs.get(leader), tweak);
    awaitConverged(last);
    assertEquals(15, SingleMemberStoreTest.taskCount(stores[leader]));
  }

  @Test
  void withoutQuorumWritesFailFastAndSayWhy() throws Exception {
    start(10_000, Duration.ofSeconds(1));
    int leader = awaitLeader();
    stores[leader].update(tx -> tx.create(node("n1")));
    int survivor = aFollower(leader);
    closeAllBut(survivor);
    long t0 = System.nanoTime();
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> stores[survivor].update(tx -> tx.create(node("n2"))));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("no quorum: refused in " + tookMs + " ms: " + e.getMessage());
    assertTrue(tookMs < 2_000, "refused within the 1 s write timeout (+slack), took " + tookMs + " ms");
    assertTrue(e.getMessage().contains("leader") || e.getMessage().contains("quorum"), e.getMessage());
    assertTrue(stores[survivor].read(v -> v.node("n2")).isEmpty());
    assertTrue(!stores[survivor].isLeader());
    assertThrows(UnavailableException.class, () -> stores[survivor].syncForRead(Duration.ofSeconds(1)),
        "a linearizable read needs a leader too");
  }

  @Test
  void aLeaderThatLostBothFollowersRefusesWritesFast() throws Exception {
    start(10_000, Duration.ofSeconds(1));
    int leader = awaitLeader();
    closeAllBut(leader);
    long t0 = System.nanoTime();
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> stores[leader].update(tx -> tx.create(node("n2"))));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("isolated leader: refused in " + tookMs + " ms: " + e.getMessage());
    assertTrue(tookMs < 2_000, "refused within the 1 s write timeout (+slack), took " + tookMs + " ms");
    assertTrue(stores[leader].read(v -> v.node("n2")).isEmpty(), "never reported or applied without a quorum");
  }

  /** The leader purged its log past what the follower has: it must install a snapshot (pause/reinitialize). */
  @Test
  void aFollowerNeverProposesALeaderComponentsWrite() throws Exception {
    start(1000, Duration.ofSeconds(5));
    int leader = awaitLeader();
    int follower = aFollower(leader);
    long before = stores[leader].appliedIndex();
    LostLeadershipException e = assertThrows(LostLeadershipException.class,
        () -> stores[follower].updateAsLeader(tx -> tx.create(node("from-a-follower"))));
    assertTrue(e.getMessage().contains("not the leader"), e.getMessage());
    assertThrows(LostLeadershipException.class, () -> stores[follower].leaderBatch());
    // a user's write from a follower is still forwarded to the leader
    long applied = stores[follower].update(tx -> tx.create(node("user-write")));
    assertTrue(applied > before);
    awaitConverged(applied);
    assertTrue(stores[leader].read(v -> v.node("from-a-follower")).isEmpty());
    // a writer made while leading is refused once leadership moved, before proposing
    BatchWriter stale = stores[leader].leaderBatch();
    stores[leader].transferLeadership(configs.get(follower).selfId(), Duration.ofSeconds(5));
    await("leadership moved", CONVERGE, () -> stores[follower].isLeader());
    stale.update(tx -> tx.create(node("from-the-old-leader")));
    assertThrows(LostLeadershipException.class, stale::commit);
    assertTrue(stores[follower].read(v -> v.node("from-the-old-leader")).isEmpty());
  }

  @Test
  void aBatchComputedInAnEarlierTermIsRefusedAtApplyOnEveryMember() throws Exception {
    start(1000, Duration.ofSeconds(5));
    int leader = awaitLeader();
    int follower = aFollower(leader);
    // computed by the leader in its term, proposed only after it lost the leadership
    long oldTerm = stores[leader].currentTerm();
    TxImpl computed = stores[leader].runTx(null, tx -> tx.create(node("computed-in-the-old-term")));
    stores[leader].transferLeadership(configs.get(follower).selfId(), Duration.ofSeconds(5));
    await("a new term", CONVERGE, () -> {
      try {
        return stores[leader].currentTerm() > oldTerm && stores[follower].isLeader();
      } catch (UnavailableException e) {
        return false;
      }
    });
    // forwarded by the old leader (now a follower) and appended in the new term: refused
    LostLeadershipException e = assertThrows(LostLeadershipException.class,
        () -> stores[leader].propose(computed, oldTerm, false));
    assertTrue(e.getMessage().contains("computed in term " + oldTerm), e.getMessage());
    long after = stores[leader].update(tx -> tx.create(node("after")));
    awaitConverged(after);
    for (RaftStore s : stores) {
      assertTrue(s.read(v -> v.node("computed-in-the-old-term")).isEmpty(), s.selfId());
    }
  }

  @Test
  void aLaggingFollowerCatchesUpFromTheLeadersSnapshot() throws Exception {
    tweak = p -> RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("32KB"));
    start(10, Duration.ofSeconds(5));
    int leader = awaitLeader();
    int lagging = aFollower(leader);
    stores[lagging].close();
    stores[lagging] = null;

    String pad = "x".repeat(200);
    long last = 0;
    for (int b = 0; b < 30; b++) {
      int batch = b;
      last = stores[leader].update(tx -> {
        for (int i = 0; i < 10; i++) {
          tx.create(task("t" + batch + "-" + i, "s" + batch, "").toBuilder().setServiceName(pad).build());
        }
      });
    }
    // tasks of one service, deleted, so the snapshot differs from replaying the first entries
    long deleted = stores[leader].update(tx -> {
      for (Task t : tx.tasksByService("s0")) {
        tx.delete(t);
      }
    });
    assertTrue(deleted > last);

    stores[lagging] = RaftStore.open(configs.get(lagging), tweak);
    awaitConverged(deleted);
    assertEquals(290, SingleMemberStoreTest.taskCount(stores[lagging]));
    assertTrue(stores[lagging].stateMachine().reinitializations() > 0,
        "the follower installed a snapshot rather than replaying the (purged) log");
    // and it keeps applying afterwards
    long after = stores[lagging].update(tx -> tx.create(node("after-install")));
    awaitConverged(after);
  }
}
