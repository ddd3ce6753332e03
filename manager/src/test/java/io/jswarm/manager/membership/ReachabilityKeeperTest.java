package io.jswarm.manager.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReachabilityKeeperTest {
  static Node manager(String id, ManagerStatus.Reachability r) {
    return Node.newBuilder().setId("node-" + id)
        .setManagerStatus(ManagerStatus.newBuilder().setRaftId(id).setReachability(r)).build();
  }

  @Test
  void onlyManagersWhoseStoredReachabilityIsWrongAreWritten() {
    var changes = ReachabilityKeeper.changes(List.of(
        manager("m1", ManagerStatus.Reachability.REACHABLE),
        manager("m2", ManagerStatus.Reachability.REACHABLE),   // died
        manager("m3", ManagerStatus.Reachability.UNREACHABLE), // came back
        manager("m4", ManagerStatus.Reachability.REACHABLE),   // not in the Raft view (being removed)
        Node.newBuilder().setId("worker").build()),
        Map.of("m1", true, "m2", false, "m3", true));
    assertEquals(Map.of("node-m2", ManagerStatus.Reachability.UNREACHABLE, "node-m3", ManagerStatus.Reachability.REACHABLE), changes);
  }
}
