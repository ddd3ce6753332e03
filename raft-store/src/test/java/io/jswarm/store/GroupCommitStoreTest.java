package io.jswarm.store;

import static io.jswarm.store.Fixtures.await;
import static io.jswarm.store.Fixtures.freePort;
import static io.jswarm.store.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit through real Ratis: a three-member group on loopback where writers on the leader
 * and on a follower (forwarded) race, one of them with a stale version. Each gets its own answer:
 * the stale one a ConflictException naming its object, the others applied on every replica.
 * ~6 s.
 */
@Timeout(60)
class GroupCommitStoreTest {
  @TempDir Path dir;
  private final RaftStore[] stores = new RaftStore[3];

  @AfterEach
  void closeAll() throws InterruptedException {
    ThreeMemberStoreTest.closeInParallel(stores);
  }

  @Test
  void concurrentWritesEachGetTheirOwnAnswer() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) members.add(new Member("m" + i, "127.0.0.1:" + freePort()));
    for (int i = 0; i < 3; i++) {
      stores[i] = RaftStore.open(RaftStoreConfig.builder(dir.resolve("m" + i), "m" + i, members.get(i).address())
          .initialMembers(members).electionTimeout(Duration.ofMillis(500), Duration.ofMillis(1000))
          .writeTimeout(Duration.ofSeconds(10)).build());
    }
    int[] l = {-1};
    await("a ready leader", Duration.ofSeconds(20), () -> {
      for (int i = 0; i < 3; i++) if (stores[i].isLeader()) l[0] = i;
      return l[0] >= 0;
    });
    RaftStore leader = stores[l[0]];
    RaftStore follower = stores[(l[0] + 1) % 3];
    leader.update(tx -> tx.create(node("shared")));
    Node stale = leader.read(v -> v.node("shared")).orElseThrow();
    leader.update(tx -> tx.update(stale.toBuilder().setSpec(stale.getSpec().toBuilder().setName("renamed")).build()));

    int writers = 32;
    int staleWriter = 17;
    CountDownLatch go = new CountDownLatch(1);
    AtomicReferenceArray<Object> answers = new AtomicReferenceArray<>(writers);
    List<Thread> threads = new ArrayList<>();
    long entriesBefore = leader.groupCommit().entries() + follower.groupCommit().entries();
    for (int w = 0; w < writers; w++) {
      int me = w;
      RaftStore via = w % 2 == 0 ? leader : follower;
      Thread t = new Thread(() -> {
        try {
          go.await();
          answers.set(me, via.update(tx -> {
            if (me == staleWriter) {
              tx.update(stale.toBuilder().setSpec(stale.getSpec().toBuilder().setName("lost")).build());
            } else {
              tx.create(node("w" + me));
            }
          }));
        } catch (Exception e) {
          answers.set(me, e);
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) t.join(30_000);
    long entries = leader.groupCommit().entries() + follower.groupCommit().entries() - entriesBefore;
    System.out.println(writers + " concurrent writes went in " + entries + " entries");

    for (int w = 0; w < writers; w++) {
      Object a = answers.get(w);
      if (w == staleWriter) {
        ConflictException e = assertInstanceOf(ConflictException.class, a, "the stale write: " + a);
        assertTrue(e.getMessage().contains("node shared"), e.getMessage());
      } else {
        assertInstanceOf(Long.class, a, "write " + w + ": " + a);
      }
    }
    long last = leader.appliedIndex();
    for (RaftStore s : stores) {
      await(s.selfId() + " applied everything", Duration.ofSeconds(10), () -> s.appliedIndex() >= last);
      assertEquals(writers - 1, s.read(v -> v.nodes().stream().filter(n -> n.getId().startsWith("w")).count()).intValue(),
          "every good write on " + s.selfId());
      assertEquals("renamed", s.read(v -> v.node("shared")).orElseThrow().getSpec().getName());
    }
    assertEquals(leader.digest(), follower.digest());
  }
}
