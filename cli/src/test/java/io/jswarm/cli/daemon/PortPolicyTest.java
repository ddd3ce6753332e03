package io.jswarm.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.EngineGrpc;
import io.jswarm.api.MembershipGrpc;
import io.jswarm.pki.Access;
import io.jswarm.pki.PeerIdentity;
import io.jswarm.pki.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authorization table: every RPC × every kind of caller, walked from the service descriptors. */
class PortPolicyTest {
  private static final PeerIdentity WORKER = new PeerIdentity("w", Role.WORKER, "c");
  private static final PeerIdentity MANAGER = new PeerIdentity("m", Role.MANAGER, "c");
  private static final PeerIdentity ADMIN = new PeerIdentity("a", Role.ADMIN, "c");

  private static void everyMethodHasARule(List<ServiceDescriptor> services, Map<String, Access> rules) {
    for (ServiceDescriptor s : services) {
      for (MethodDescriptor<?, ?> m : s.getMethods()) {
        assertNotNull(rules.get(m.getFullMethodName()), m.getFullMethodName() + " is served without an authorization rule");
      }
    }
  }

  @Test
  void everyServedMethodHasARule() {
    everyMethodHasARule(PortPolicy.clusterServices(), PortPolicy.clusterPort());
    everyMethodHasARule(PortPolicy.controlServices(), PortPolicy.controlPort());
  }

  /** The expected answer for (method, caller): the table docs/security.md gives, written out. */
  private static boolean expected(String method, PeerIdentity who) {
    String anon = "jswarm.api.Membership/GetRootCa jswarm.api.Membership/Join";
    String nodes = "jswarm.api.Membership/JoinRaft jswarm.api.Membership/Leave jswarm.api.Membership/RenewCertificate "
        + "jswarm.api.Membership/ManagerInfo jswarm.api.Dispatcher/Session";
    if (anon.contains(method)) return true;
    if (who == null || who.role() == Role.ADMIN) return false;
    if (nodes.contains(method)) return true;
    return method.equals("jswarm.api.Engine/ContainerLogs") && who.role() == Role.MANAGER;
  }

  @Test
  void clusterPortTable() {
    Map<String, Access> rules = PortPolicy.clusterPort();
    int checked = 0;
    for (ServiceDescriptor s : PortPolicy.clusterServices()) {
      for (MethodDescriptor<?, ?> m : s.getMethods()) {
        for (PeerIdentity who : new PeerIdentity[] {null, WORKER, MANAGER, ADMIN}) {
          assertEquals(expected(m.getFullMethodName(), who), rules.get(m.getFullMethodName()).allows(who),
              m.getFullMethodName() + " for " + (who == null ? "no certificate" : who.role()));
          checked++;
        }
      }
    }
    assertTrue(checked > 40, "walked " + checked);
    // Control is never served on the cluster port
    assertFalse(PortPolicy.clusterServices().contains(ControlGrpc.getServiceDescriptor()));
    assertFalse(rules.keySet().stream().anyMatch(k -> k.startsWith(ControlGrpc.SERVICE_NAME + "/")));
    // images, imports and pushes stay on the local socket
    assertFalse(rules.get(EngineGrpc.getImportImageMethod().getFullMethodName()).allows(MANAGER));
    assertTrue(rules.get(DispatcherGrpc.getSessionMethod().getFullMethodName()).allows(WORKER));
    assertFalse(rules.get(MembershipGrpc.getLeaveMethod().getFullMethodName()).allows(null));
  }

  @Test
  void controlPortIsForAdminsOnly() {
    for (var e : PortPolicy.controlPort().entrySet()) {
      assertTrue(e.getValue().allows(ADMIN), e.getKey());
      assertFalse(e.getValue().allows(MANAGER), e.getKey());
      assertFalse(e.getValue().allows(WORKER), e.getKey());
      assertFalse(e.getValue().allows(null), e.getKey());
    }
  }
}
