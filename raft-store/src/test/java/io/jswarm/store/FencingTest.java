package io.jswarm.store;

import static io.jswarm.store.Fixtures.batch;
import static io.jswarm.store.Fixtures.create;
import static io.jswarm.store.Fixtures.node;
import static io.jswarm.store.Fixtures.so;
import static io.jswarm.store.Fixtures.task;
import static io.jswarm.store.Fixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.TaskStatus;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The apply-time fences: stale term, double slot fill, stale reads (write skew). */
@Timeout(10)
class FencingTest {
  private final ObjectStore store = new ObjectStore();

  private static Task live(String id, String service, long slot, long specVersion) {
    return task(id, service, "n1").toBuilder().setSlot(slot).setSpecVersion(specVersion)
        .setDesiredState(TaskState.RUNNING).setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build();
  }

  @Test
  void aBatchComputedInAnOlderTermIsRefused() {
    StoreBatch deposed = batch(1, create(so(node("n1")))).toBuilder().setTerm(3).build();
    String refused = store.apply(deposed, 10, 4);
    assertNotNull(refused);
    assertTrue(refused.contains(Fencing.LOST_LEADERSHIP) && refused.contains("term 3") && refused.contains("term 4"), refused);
    assertTrue(store.read(v -> v.node("n1")).isEmpty(), "nothing applied");

    assertNull(store.apply(deposed.toBuilder().setTerm(4).build(), 11, 4), "the same batch in its own term applies");
    assertNull(store.apply(batch(2, create(so(node("n2")))), 12, 4), "term 0 (an old entry) is not fenced");
  }

  @Test
  void aSecondLiveTaskOfTheSameSpecInASlotIsRefused() {
    assertNull(store.apply(batch(1, create(so(live("t1", "s", 1, 7)))), 1));
    String refused = store.apply(batch(2, create(so(live("t2", "s", 1, 7)))), 2);
    assertNotNull(refused, "old and new leader both refilling slot 1");
    assertTrue(refused.contains("slot 1 of service s already has live task t1"), refused);
    assertTrue(store.read(v -> v.task("t2")).isEmpty());

    assertNull(store.apply(batch(3, create(so(live("t3", "s", 2, 7)))), 3), "another slot is free");
    assertNull(store.apply(batch(4, create(so(live("t4", "s", 1, 8)))), 4),
        "a start-first update runs the new spec beside the old in the slot");
    Task globalOnN1 = live("g1", "global", 0, 1);
    assertNull(store.apply(batch(5, create(so(globalOnN1))), 5));
    assertNotNull(store.apply(batch(6, create(so(live("g2", "global", 0, 1)))), 6),
        "a global service's slot is its node");
  }

  @Test
  void aReplacementInTheSameBatchAppliesWhateverTheOrderOfItsActions() {
    assertNull(store.apply(batch(1, create(so(live("t1", "s", 1, 7)))), 1));
    Task t1 = store.read(v -> v.task("t1")).orElseThrow();
    Task ended = t1.toBuilder().setDesiredState(TaskState.SHUTDOWN)
        .setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED)).build();
    assertNull(store.apply(batch(2, create(so(live("t2", "s", 1, 7))), update(so(ended))), 2),
        "the create comes first, but the slot is checked once the batch has ended t1");
    assertEquals(Set.of("t2"), store.read(v -> v.tasksByService("s").stream()
        .filter(TaskStates::isLive).map(Task::getId).collect(Collectors.toSet())));
  }

  @Test
  void aWriteSkewPairIsRefused() {
    // Two transactions on the same state: each reads what the other writes. Apart, each is
    // fine; together they break what both checked (the classic write skew).
    assertNull(store.apply(batch(1, create(so(node("a"))), create(so(node("b")))), 1));
    TxImpl first = store.read(v -> {
      TxImpl tx = new TxImpl((ObjectView) v);
      tx.node("b").orElseThrow();
      var a = tx.node("a").orElseThrow();
      tx.update(a.toBuilder().setSpec(a.getSpec().toBuilder().setName("a-only-if-b-unchanged")).build());
      return tx;
    });
    TxImpl second = store.read(v -> {
      TxImpl tx = new TxImpl((ObjectView) v);
      tx.node("a").orElseThrow();
      var b = tx.node("b").orElseThrow();
      tx.update(b.toBuilder().setSpec(b.getSpec().toBuilder().setName("b-only-if-a-unchanged")).build());
      return tx;
    });
    assertNull(store.apply(first.toBatch(2, 0), 2));
    String refused = store.apply(second.toBatch(3, 0), 3);
    assertNotNull(refused, "the second read node a, which the first changed");
    assertTrue(refused.contains("read of node a is stale: read version 1, now version 2"), refused);
    assertEquals("host-b", store.read(v -> v.node("b")).orElseThrow().getSpec().getName());
  }

  @Test
  void aReadOfSomethingAbsentIsRefusedOnceItExists() {
    TxImpl createsIfNoRival = store.read(v -> {
      TxImpl tx = new TxImpl((ObjectView) v);
      if (tx.node("rival").isEmpty()) tx.create(node("mine"));
      return tx;
    });
    assertNull(store.apply(batch(1, create(so(node("rival")))), 1));
    String refused = store.apply(createsIfNoRival.toBatch(2, 0), 2);
    assertNotNull(refused);
    assertTrue(refused.contains("read of node rival is stale: read absent, now version 1"), refused);
  }

  private static StoreObject network(String id, String name) {
    return StoreObject.newBuilder().setNetwork(Network.newBuilder().setId(id)
        .setSpec(NetworkSpec.newBuilder().setName(name))).build();
  }

  /** network rm checks no service uses it; service create checks the network exists. */
  private TxImpl removeNetworkIfUnused() {
    return store.read(v -> {
      TxImpl tx = new TxImpl((ObjectView) v);
      boolean used = tx.services().stream().anyMatch(s -> s.getSpec().getTask().getNetworksList().stream()
          .anyMatch(a -> a.getTarget().equals("net1")));
      if (!used) tx.network("net1").ifPresent(tx::delete);
      return tx;
    });
  }

  private TxImpl createServiceOnNetwork() {
    return store.read(v -> {
      TxImpl tx = new TxImpl((ObjectView) v);
      if (tx.network("net1").isPresent()) {
        ServiceSpec.Builder spec = ServiceSpec.newBuilder().setName("web");
        spec.getTaskBuilder().addNetworks(NetworkAttachmentConfig.newBuilder().setTarget("net1"));
        tx.create(Service.newBuilder().setId("s1").setSpec(spec).build());
      }
      return tx;
    });
  }

  @Test
  void networkRemovalRacingAServiceCreateOnItCannotBothCommit() {
    assertNull(store.apply(batch(1, create(network("net1", "front"))), 1));
    TxImpl rm = removeNetworkIfUnused();
    TxImpl create = createServiceOnNetwork();
    assertNull(store.apply(create.toBatch(2, 0), 2));
    String refused = store.apply(rm.toBatch(3, 0), 3);
    assertNotNull(refused, "the removal listed the services, and one was created since");
    assertTrue(refused.contains("read of every service is stale"), refused);
    assertTrue(store.read(v -> v.network("net1")).isPresent());
  }

  @Test
  void serviceCreateRacingTheNetworksRemovalCannotBothCommit() {
    assertNull(store.apply(batch(1, create(network("net1", "front"))), 1));
    TxImpl rm = removeNetworkIfUnused();
    TxImpl create = createServiceOnNetwork();
    assertNull(store.apply(rm.toBatch(2, 0), 2));
    String refused = store.apply(create.toBatch(3, 0), 3);
    assertNotNull(refused, "the create read the network, which is gone");
    assertTrue(refused.contains("read of network net1 is stale: read version 1, now absent"), refused);
    assertTrue(store.read(v -> v.service("s1")).isEmpty());
  }

  @Test
  void aNetworkAnAddressIsHeldOnIsNotDeletedWhateverTheDeleterRead() {
    assertNull(store.apply(batch(1, create(network("net1", "front"))), 1));
    TxImpl rm = removeNetworkIfUnused(); // sees no service and (tasks are not guarded) no task
    Task placed = live("t1", "s", 1, 1).toBuilder().addNetworks(NetworkAttachment.newBuilder()
        .setNetworkId("net1").setAddress("10.0.9.5/24")).build();
    assertNull(store.apply(batch(2, create(so(placed))), 2));
    String refused = store.apply(rm.toBatch(3, 0), 3);
    assertNotNull(refused);
    assertTrue(refused.contains("delete network net1: task t1 holds an address on it"), refused);
  }
}
