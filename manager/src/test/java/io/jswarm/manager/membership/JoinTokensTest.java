package io.jswarm.manager.membership;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.Cluster;
import io.jswarm.api.NodeSpec;
import org.junit.jupiter.api.Test;

class JoinTokensTest {
  private final String ca = io.jswarm.pki.SwarmCa.create("c1").digest();
  private final Cluster cluster = Cluster.newBuilder().setCaDigest(ca)
      .setWorkerJoinToken(JoinTokens.newToken(ca)).setManagerJoinToken(JoinTokens.newToken(ca)).build();

  @Test
  void tokenPinsTheRootCertificatesDigest() {
    var root = io.jswarm.pki.SwarmCa.create("c1");
    String t = JoinTokens.newToken(root.digest());
    assertEquals(io.jswarm.pki.CaDigest.of(root.root()), JoinTokens.parse(t).orElseThrow().caDigest());
  }

  @Test
  void tokensHaveSwarmsShape() {
    String t = cluster.getWorkerJoinToken();
    assertTrue(t.matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}"), t);
    var p = JoinTokens.parse(t).orElseThrow();
    assertEquals(ca, p.caDigest());
    assertNotEquals(cluster.getWorkerJoinToken(), cluster.getManagerJoinToken());
  }

  @Test
  void eachTokenGrantsItsRole() throws Exception {
    assertEquals(NodeSpec.Role.WORKER, MembershipService.roleOf(cluster, cluster.getWorkerJoinToken()));
    assertEquals(NodeSpec.Role.MANAGER, MembershipService.roleOf(cluster, cluster.getManagerJoinToken()));
  }

  @Test
  void malformedForeignAndRotatedTokensAreRefused() {
    StatusException bad = assertThrows(StatusException.class, () -> MembershipService.roleOf(cluster, "SWMTKN-1-nope"));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());

    String otherCa = io.jswarm.pki.SwarmCa.create("c1").digest();
    StatusException foreign = assertThrows(StatusException.class,
        () -> MembershipService.roleOf(cluster, JoinTokens.newToken(otherCa)));
    assertEquals(Status.Code.PERMISSION_DENIED, foreign.getStatus().getCode());
    assertTrue(foreign.getStatus().getDescription().contains("another swarm"));

    Cluster rotated = cluster.toBuilder().setWorkerJoinToken(JoinTokens.newToken(ca)).build();
    StatusException old = assertThrows(StatusException.class,
        () -> MembershipService.roleOf(rotated, cluster.getWorkerJoinToken()));
    assertEquals(Status.Code.PERMISSION_DENIED, old.getStatus().getCode());
    assertTrue(old.getStatus().getDescription().contains("rotated"));
    // rotating the worker token leaves the manager token working
    assertDoesNotThrow(() -> MembershipService.roleOf(rotated, cluster.getManagerJoinToken()));
  }

  @Test
  void comparisonIsExact() {
    String t = cluster.getWorkerJoinToken();
    assertTrue(JoinTokens.matches(t, t));
    assertFalse(JoinTokens.matches(t.substring(0, t.length() - 1) + (t.endsWith("a") ? "b" : "a"), t));
    assertFalse(JoinTokens.matches(t, ""));
    assertFalse(JoinTokens.matches(null, t));
  }
}
