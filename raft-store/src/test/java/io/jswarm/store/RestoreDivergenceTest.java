package io.jswarm.store;

import static io.jswarm.store.Fixtures.batch;
import static io.jswarm.store.Fixtures.create;
import static io.jswarm.store.Fixtures.so;
import static io.jswarm.store.Fixtures.task;
import static io.jswarm.store.Fixtures.update;
import static io.jswarm.store.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The divergence of issue 11: a follower that installs a snapshot kept the claims of its old
 * state, so it refused a batch the leader applied.
 */
@Timeout(10)
class RestoreDivergenceTest {

  private static Task on(Task t, String addr) {
    return t.toBuilder().addNetworks(NetworkAttachment.newBuilder().setNetworkId("net1").setAddress(addr)).build();
  }

  @Test
  void aFollowerThatInstallsASnapshotForgetsClaimsItsOldStateHeld() {
    ObjectStore leader = new ObjectStore();
    ObjectStore follower = new ObjectStore();
    // both apply: t1 holds 10.0.9.5 while it runs
    var holds = batch(1, create(so(on(task("t1", "s", "n1"), "10.0.9.5/24"))));
    assertNull(leader.apply(holds, 1));
    assertNull(follower.apply(holds, 1));
    // the leader alone applies t1 FAILED (the follower is cut off), then snapshots
    Task failed = on(task("t1", "s", "n1"), "10.0.9.5/24").toBuilder().setMeta(version(1))
        .setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED)).build();
    assertNull(leader.apply(batch(2, update(so(failed))), 2));
    follower.restore(leader.toSnapshot());
    assertEquals(leader.digest(), follower.digest(), "digests equal after install");

    var reuse = batch(3, create(so(on(task("t2", "s", "n2"), "10.0.9.5/24"))));
    assertNull(leader.apply(reuse, 3), "the leader lets t2 take the address t1 released");
    assertNull(follower.apply(reuse, 3), "and so must a follower that installed the leader's snapshot");
    assertEquals(leader.digest(), follower.digest());
  }

  @Test
  void theDigestSeesAClaimLeftBehind() {
    ObjectStore a = new ObjectStore();
    ObjectStore b = new ObjectStore();
    assertNull(b.apply(batch(1, create(so(on(task("t1", "s", "n1"), "10.0.9.5/24")))), 1));
    Task failed = on(task("t1", "s", "n1"), "10.0.9.5/24").toBuilder().setMeta(version(0))
        .setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED)).build();
    assertNull(a.apply(batch(1, create(so(failed))), 1));
    b.restore(a.toSnapshot());
    assertEquals(a.digest(), b.digest());
  }
}
