package io.jswarm.store;

import static io.jswarm.store.Fixtures.batch;
import static io.jswarm.store.Fixtures.create;
import static io.jswarm.store.Fixtures.so;
import static io.jswarm.store.Fixtures.task;
import static io.jswarm.store.Fixtures.update;
import static io.jswarm.store.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import org.junit.jupiter.api.Test;

class ClaimsTest {
  private final ObjectStore store = new ObjectStore();

  private static StoreObject net(String id, String name, String subnet, int vni) {
    return StoreObject.newBuilder().setNetwork(Network.newBuilder().setId(id)
        .setSpec(NetworkSpec.newBuilder().setName(name)).setSubnet(subnet).setVni(vni)).build();
  }

  private static Task withAddr(Task t, String addr) {
    return t.toBuilder().addNetworks(NetworkAttachment.newBuilder().setNetworkId("net1").setAddress(addr)).build();
  }

  @Test
  void anAddressIsHeldByOneLiveTaskAtATime() {
    assertNull(store.apply(batch(1, create(so(withAddr(task("t1", "s", "n1"), "10.0.1.5/24")))), 1));
    String clash = store.apply(batch(2, create(so(withAddr(task("t2", "s", "n2"), "10.0.1.5/24")))), 2);
    assertNotNull(clash);
    assertTrue(clash.contains("address 10.0.1.5 on network net1 is held by task t1"), clash);
    assertTrue(store.read(v -> v.task("t2")).isEmpty(), "the rejected batch changed nothing");

    // Once t1 is observed finished its address is free again.
    Task done = withAddr(task("t1", "s", "n1"), "10.0.1.5/24").toBuilder().setMeta(version(1))
        .setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED)).build();
    assertNull(store.apply(batch(3, update(so(done))), 3));
    assertNull(store.apply(batch(4, create(so(withAddr(task("t2", "s", "n2"), "10.0.1.5/24")))), 4));
  }

  @Test
  void twoClaimsInOneBatchRejectTheWholeBatch() {
    String clash = store.apply(batch(1,
        create(so(withAddr(task("t1", "s", "n1"), "10.0.1.7/24"))),
        create(so(withAddr(task("t2", "s", "n1"), "10.0.1.7/24")))), 1);
    assertNotNull(clash);
    assertTrue(store.read(v -> v.tasks()).isEmpty());
    // and the undo released t1's claim
    assertNull(store.apply(batch(2, create(so(withAddr(task("t3", "s", "n1"), "10.0.1.7/24")))), 2));
  }

  @Test
  void networksNeedUniqueNamesVnisAndDisjointSubnets() {
    assertNull(store.apply(batch(1, create(net("a", "web", "10.0.1.0/24", 4097))), 1));
    assertTrue(store.apply(batch(2, create(net("b", "web", "10.0.2.0/24", 4098))), 2).contains("network name \"web\""));
    assertTrue(store.apply(batch(3, create(net("b", "db", "10.0.2.0/24", 4097))), 3).contains("VNI 4097"));
    assertTrue(store.apply(batch(4, create(net("b", "db", "10.0.0.0/16", 4098))), 4).contains("overlaps 10.0.1.0/24"));
    assertNull(store.apply(batch(5, create(net("b", "db", "10.0.2.0/24", 4098))), 5));
    assertTrue(store.read(v -> v.networkByName("db")).isPresent());
  }

  @Test
  void cidrOverlap() {
    assertTrue(Cidrs.overlap("10.0.0.0/8", "10.1.2.0/24"));
    assertTrue(!Cidrs.overlap("10.0.1.0/24", "10.0.2.0/24"));
    assertTrue(!Cidrs.overlap("garbage", "10.0.2.0/24"));
  }
}
