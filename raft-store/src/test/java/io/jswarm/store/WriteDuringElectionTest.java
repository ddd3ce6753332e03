package io.jswarm.store;

import static io.jswarm.store.Fixtures.await;
import static io.jswarm.store.Fixtures.freePort;
import static io.jswarm.store.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write issued while the group has no leader waits for the election (about one election
 * timeout), not for the whole write timeout; and when no leader can be elected it fails after
 * the patience (5 s here, plus up to a second to notice the leader is gone) with a message
 * saying so. Three members on loopback, election timeout 500-1000 ms, write timeout 20 s.
 */
@Timeout(90)
class WriteDuringElectionTest {
  // far above what the assertions allow, so a wait for the timeout can never pass for a fast answer
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(20);
  @TempDir Path dir;
  private final RaftStore[] stores = new RaftStore[3];

  private void start() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) members.add(new Member("m" + i, "127.0.0.1:" + freePort()));
    for (int i = 0; i < 3; i++) {
      stores[i] = RaftStore.open(RaftStoreConfig.builder(dir.resolve("m" + i), "m" + i, members.get(i).address())
          .initialMembers(members)
          .electionTimeout(Duration.ofMillis(500), Duration.ofMillis(1000))
          .writeTimeout(WRITE_TIMEOUT)
          .build());
    }
  }

  @AfterEach
  void closeAll() throws InterruptedException {
    ThreeMemberStoreTest.closeInParallel(stores);
  }

  private int awaitLeader() {
    int[] leader = {-1};
    await("a ready leader", Duration.ofSeconds(20), () -> {
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

  @Test
  void aWriteRightAfterTheLeaderDiesWaitsForTheElectionNotTheWriteTimeout() throws Exception {
    start();
    int leader = awaitLeader();
    int survivor = (leader + 1) % 3;
    stores[survivor].update(tx -> tx.create(node("before")));
    RaftStore dying = stores[leader];
    stores[leader] = null;
    Thread closer = new Thread(dying::close);
    closer.start(); // the write below races the leader's shutdown and the election after it

    long t0 = System.nanoTime();
    long index = stores[survivor].update(tx -> tx.create(node("after")));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("write during the election acknowledged in " + tookMs + " ms");
    assertTrue(index > 0);
    assertTrue(stores[survivor].read(v -> v.node("after")).isPresent());
    assertTrue(tookMs < 4_500, "acknowledged within about two election timeouts, not the 20 s write timeout: " + tookMs + " ms");
    closer.join(10_000);
  }

  @Test
  void aLeaderCutOffFromItsFollowersRefusesAfterTheElectionWait() throws Exception {
    start();
    int leader = awaitLeader();
    RaftStore[] others = new RaftStore[3];
    for (int i = 0; i < 3; i++) {
      if (i != leader) {
        others[i] = stores[i];
        stores[i] = null;
      }
    }
    ThreeMemberStoreTest.closeInParallel(others);
    long t0 = System.nanoTime();
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> stores[leader].update(tx -> tx.create(node("n2"))));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("isolated leader: refused in " + tookMs + " ms: " + e.getMessage());
    assertTrue(tookMs < 9_000, "refused after the patience (5 s here), not the 20 s write timeout: " + tookMs + " ms");
    assertTrue(e.getMessage().contains("no leader") || e.getMessage().contains("no quorum"), e.getMessage());
  }

  @Test
  void withoutAQuorumAWriteFailsAfterTheElectionWaitAndSaysNoLeader() throws Exception {
    start();
    int leader = awaitLeader();
    int survivor = (leader + 1) % 3;
    stores[survivor].update(tx -> tx.create(node("n1")));
    RaftStore[] others = new RaftStore[3];
    for (int i = 0; i < 3; i++) {
      if (i != survivor) {
        others[i] = stores[i];
        stores[i] = null;
      }
    }
    ThreeMemberStoreTest.closeInParallel(others);

    long t0 = System.nanoTime();
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> stores[survivor].update(tx -> tx.create(node("n2"))));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("no quorum: refused in " + tookMs + " ms: " + e.getMessage());
    assertTrue(tookMs < 9_000, "refused after the patience (5 s here), not the 20 s write timeout: " + tookMs + " ms");
    assertTrue(e.getMessage().contains("no leader"), e.getMessage());
    assertEquals(List.of(), stores[survivor].read(v -> v.nodes()).stream().filter(n -> n.getId().equals("n2")).toList());
  }
}
