package io.jswarm.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.registry.TestCa;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The principals table: each role of the swarm's certificates and what it may do on the registry. */
class SwarmIdentityTest {
  static final TestCa CA = new TestCa("root");

  static Principal of(String role, String cluster) {
    return SwarmIdentity.principal(CA.issue("n1", role, cluster).cert(), "c1");
  }

  @Test
  void rolesMapToTheirActions() {
    assertEquals(EnumSet.of(Action.PULL), of(SwarmIdentity.WORKER, "c1").everywhere());
    assertEquals(EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE, Action.PEER),
        of(SwarmIdentity.MANAGER, "c1").everywhere());
    assertEquals(EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE, Action.GC), of(SwarmIdentity.ADMIN, "c1").everywhere());
    assertEquals(Set.of(), of("swarm-something", "c1").everywhere(), "an unknown role may do nothing");
    Principal w = of(SwarmIdentity.WORKER, "c1");
    assertEquals("swarm-worker:n1", w.subject());
    assertEquals(Principal.Source.CERTIFICATE, w.source());
    assertTrue(w.allows(Action.PULL, "any/repo"));
  }

  @Test
  void anotherClustersCertificateIsDenied() {
    RegistryException e = assertThrows(RegistryException.class, () -> of(SwarmIdentity.MANAGER, "c2"));
    assertEquals(ErrorCode.DENIED, e.code());
    assertEquals(403, e.status());
  }

  @Test
  void subjectFieldsAreRead() {
    SwarmIdentity.Subject s = SwarmIdentity.subject(CA.issue("node-7", SwarmIdentity.WORKER, "cluster-x").cert());
    assertEquals(new SwarmIdentity.Subject("node-7", "swarm-worker", "cluster-x"), s);
  }
}
