package io.jswarm.manager.dispatcher;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.ClusterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failure detector as a pure function of what it heard and the time it is given. */
class LivenessTest {
  // heartbeat 1 s, grace 3 periods = 3 s, unknown grace 2 x 3 s = 6 s
  static final HeartbeatSettings S = HeartbeatSettings.of(ClusterSpec.newBuilder().setHeartbeatPeriodMs(1_000).build());

  @Test
  void defaultsAreOneSecondThreeMissedBeatsAndTwiceThatAfterALeaderChange() {
    assertEquals(new HeartbeatSettings(1_000, 3_000, 6_000), HeartbeatSettings.DEFAULTS);
    assertEquals(new HeartbeatSettings(500, 2_500, 10_000), HeartbeatSettings.of(ClusterSpec.newBuilder()
        .setHeartbeatPeriodMs(500).setGraceMultiplier(5).setUnknownGraceMultiplier(4).build()));
    // an explicit grace (swarm update --node-down-grace) wins over the multiplier
    assertEquals(new HeartbeatSettings(500, 2_000, 4_000), HeartbeatSettings.of(ClusterSpec.newBuilder()
        .setHeartbeatPeriodMs(500).setNodeDownGraceMs(2_000).setGraceMultiplier(5).build()));
  }

  @Test
  void afterALeaderChangeNoNodeIsDownBeforeTwiceTheGrace() {
    Liveness l = new Liveness();
    l.leadershipStarted(List.of("a", "b"), 0, S);
    assertTrue(l.isUnknown("a"));
    assertEquals(List.of(), l.expired(3_001), "the normal grace is not enough after a leader change");
    assertEquals(List.of(), l.expired(6_000));
    assertEquals(List.of("a", "b"), l.expired(6_001).stream().sorted().toList());
    assertEquals(List.of(), l.expired(60_000), "each node is reported once");
  }

  @Test
  void aNodeHeardInTheWindowIsJudgedOnTheNormalGraceFromThen() {
    Liveness l = new Liveness();
    l.leadershipStarted(List.of("a", "b"), 0, S);
    l.heard("a", 1_000, S);
    assertFalse(l.isUnknown("a"));
    assertTrue(l.isUnknown("b"));
    assertEquals(List.of(), l.expired(4_000));
    assertEquals(List.of("a"), l.expired(4_001), "silent for more than the grace after it was heard");
    assertEquals(List.of("b"), l.expired(6_001));
  }

  @Test
  void heartbeatsKeepANodeAliveIndefinitely() {
    Liveness l = new Liveness();
    l.leadershipStarted(List.of("a"), 0, S);
    for (long t = 500; t < 60_000; t += 2_900) {
      l.heard("a", t, S);
      assertEquals(List.of(), l.expired(t + 2_999));
    }
  }

  @Test
  void aManagerStallIsNotBlamedOnTheNodes() {
    Liveness l = new Liveness();
    l.track("a", 0, S);
    l.extendAll(10_000); // the leader itself could not run for 10 s
    assertEquals(List.of(), l.expired(12_000));
    assertEquals(List.of("a"), l.expired(13_001));
  }

  @Test
  void aJoinedNodeIsTrackedOnceOnTheNormalGraceAndForgottenWhenItLeaves() {
    Liveness l = new Liveness();
    l.leadershipStarted(List.of(), 0, S);
    l.track("new", 1_000, S);
    l.track("new", 2_000, S); // a second create event for it changes nothing
    assertFalse(l.isUnknown("new"));
    assertEquals(List.of("new"), l.expired(4_001));
    l.track("gone", 0, S);
    l.forget("gone");
    assertEquals(List.of(), l.expired(100_000));
  }
}
