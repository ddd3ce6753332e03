package io.jswarm.store;

import static io.jswarm.store.Fixtures.await;
import static io.jswarm.store.Fixtures.freePort;
import static io.jswarm.store.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Growing a one-member group to three, moving leadership, shrinking it again. */
@Timeout(60)
class MembershipTest {
  @TempDir Path dir;
  private final RaftStore[] stores = new RaftStore[3];

  private RaftStoreConfig config(String id, String addr, List<Member> initial) {
    return RaftStoreConfig.builder(dir.resolve(id), id, addr)
        .initialMembers(initial)
        .electionTimeout(Duration.ofMillis(500), Duration.ofMillis(1000))
        .build();
  }

  @AfterEach
  void closeAll() throws InterruptedException {
    ThreeMemberStoreTest.closeInParallel(stores);
  }

  @Test
  void addTransferAndRemoveMembers() throws Exception {
    String a0 = "127.0.0.1:" + freePort();
    stores[0] = RaftStore.open(config("m0", a0, List.of(new Member("m0", a0))));
    await("m0 leads", Duration.ofSeconds(15), stores[0]::isLeader);
    SingleMemberStoreTest.writeSome(stores[0], 5);

    for (int i = 1; i < 3; i++) {
      String addr = "127.0.0.1:" + freePort();
      stores[i] = RaftStore.open(config("m" + i, addr, List.of())); // joins: no initial members
      stores[0].addMember("m" + i, addr);
    }
    assertEquals(List.of("m0", "m1", "m2"), stores[0].members().stream().map(Member::id).toList());
    long index = stores[0].update(tx -> tx.create(node("n1")));
    await("joiners caught up", Duration.ofSeconds(20), () -> stores[1].appliedIndex() >= index
        && stores[2].appliedIndex() >= index
        && stores[1].digest().equals(stores[0].digest()) && stores[2].digest().equals(stores[0].digest()));

    stores[0].transferLeadership("m1", Duration.ofSeconds(10));
    await("m1 leads", Duration.ofSeconds(15), stores[1]::isLeader);

    stores[1].removeMember("m0");
    assertEquals(List.of("m1", "m2"), stores[1].members().stream().map(Member::id).toList());
    long after = stores[2].update(tx -> tx.create(node("n2")));
    await("m1 applied the write made through m2", Duration.ofSeconds(10),
        () -> stores[1].read(v -> v.node("n2")).isPresent());
    assertEquals(after, stores[1].read(v -> v.node("n2")).orElseThrow().getMeta().getVersion());
  }
}
