package io.jswarm.manager.control;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagerReachabilityTest {
  static Node manager(String id) {
    // what the store holds: written at join, never updated
    return Node.newBuilder().setId(id).setManagerStatus(ManagerStatus.newBuilder().setRaftId(id)
        .setReachability(ManagerStatus.Reachability.REACHABLE).setLeader(true)).build();
  }

  static ManagerStatus.Reachability shown(List<Node> nodes, String id) {
    return nodes.stream().filter(n -> n.getId().equals(id)).findFirst().orElseThrow().getManagerStatus().getReachability();
  }

  @Test
  void theLeadersViewMarksADeadManagerUnreachable() {
    List<Node> out = ManagerReachability.apply(List.of(manager("m1"), manager("m2"), manager("m3"),
        Node.newBuilder().setId("w1").build()), "m1", Map.of("m1", true, "m2", true, "m3", false));
    assertEquals(ManagerStatus.Reachability.REACHABLE, shown(out, "m2"));
    assertEquals(ManagerStatus.Reachability.UNREACHABLE, shown(out, "m3"));
    assertTrue(out.get(0).getManagerStatus().getLeader());
    assertFalse(out.get(2).getManagerStatus().getLeader(), "the stored leader flag is not trusted");
    assertFalse(out.get(3).hasManagerStatus(), "workers are left alone");
  }

  @Test
  void aFollowerShowsWhatTheLeaderStoredForManagersItCannotSee() {
    Node m3 = manager("m3").toBuilder().setManagerStatus(manager("m3").getManagerStatus().toBuilder()
        .setReachability(ManagerStatus.Reachability.UNREACHABLE)).build();
    List<Node> out = ManagerReachability.apply(List.of(manager("m1"), manager("m2"), m3),
        "m1", Map.of("m2", true, "m1", true));
    assertEquals(ManagerStatus.Reachability.UNREACHABLE, shown(out, "m3"));
    // its own view wins over a stale stored value
    out = ManagerReachability.apply(List.of(m3), "m1", Map.of("m3", true));
    assertEquals(ManagerStatus.Reachability.REACHABLE, shown(out, "m3"));
  }

  @Test
  void withoutALeaderNoManagerIsLeader() {
    List<Node> out = ManagerReachability.apply(List.of(manager("m1")), "", Map.of("m1", true));
    assertFalse(out.get(0).getManagerStatus().getLeader());
  }
}
