package io.jswarm.store;

import static io.jswarm.store.Fixtures.await;
import static io.jswarm.store.Fixtures.freePort;
import static io.jswarm.store.Fixtures.node;
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
 * The election right after a member's restart (FailoverLabIT's fault): leader A dies, B and C
 * each lead in turn, so both their channels to A go into gRPC's reconnect backoff while A is
 * down, and entries are written that A lacks; A comes back and at once the leader B dies. A is
 * behind, so only C can win, and C needs A's vote: the election must be as fast as any, not wait
 * until C's backoff runs out ({@link PeerChannels}). Election timeout 300-600 ms, the default.
 */
@Timeout(120)
class RestartedPeerElectionTest {
  @TempDir Path dir;
  private final RaftStore[] stores = new RaftStore[3];
  private final List<Member> members = new ArrayList<>();

  private RaftStore open(int i) throws Exception {
    return RaftStore.open(RaftStoreConfig.builder(dir.resolve("m" + i), "m" + i, members.get(i).address())
        .initialMembers(members).build());
  }

  private int awaitLeader(String what) {
    int[] leader = {-1};
    await(what, Duration.ofSeconds(30), () -> {
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

  @AfterEach
  void closeAll() throws InterruptedException {
    ThreeMemberStoreTest.closeInParallel(stores);
  }

  @Test
  void anElectionRightAfterAMemberRestartedIsNotHeldUpByReconnectBackoff() throws Exception {
    for (int i = 0; i < 3; i++) members.add(new Member("m" + i, "127.0.0.1:" + freePort()));
    for (int i = 0; i < 3; i++) stores[i] = open(i);
    int a = awaitLeader("a first leader");
    stores[(a + 1) % 3].update(tx -> tx.create(node("before")));

    stores[a].close(); // A dies; both others lead in turn and try to reach A while it is down
    stores[a] = null;
    int c = awaitLeader("a leader among the two others");
    int b = 3 - a - c;
    stores[c].transferLeadership("m" + b, Duration.ofSeconds(10));
    await("B leads", Duration.ofSeconds(30), () -> stores[b].isLeader());
    for (int i = 0; i < 20; i++) {
      int n = i;
      stores[b].update(tx -> tx.create(node("while-a-down-" + n))); // entries A will lack
    }
    Thread.sleep(6_000); // A's downtime, long enough for the backoff to grow (1 s, 1.6, 2.6 ...)

    stores[a] = open(a); // back, behind, and at once the leader dies: A and C must elect
    int leaderNow = b;
    int other = 3 - a - b;
    long t0 = System.nanoTime();
    RaftStore dying = stores[leaderNow];
    stores[leaderNow] = null;
    Thread closer = new Thread(dying::close);
    closer.start();
    stores[other].update(tx -> tx.create(node("after")));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    closer.join(10_000);
    System.out.println("[figure] leader closed right after a member's restart -> write acknowledged in " + ms + " ms");
    assertTrue(ms < 3_000, "the election after a restart took " + ms + " ms");
  }
}
