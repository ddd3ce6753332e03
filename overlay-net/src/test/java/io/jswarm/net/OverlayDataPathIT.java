package io.jswarm.net;

import static io.jswarm.net.TwoHosts.eventually;
import static io.jswarm.net.TwoHosts.exec;
import static io.jswarm.net.TwoHosts.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The data path on real kernel objects: two lab hosts in namespaces, a VXLAN overlay between them. */
@Timeout(120)
class OverlayDataPathIT {
  TwoHosts hosts;

  @BeforeEach
  void setUp() {
    hosts = new TwoHosts();
  }

  @AfterEach
  void tearDown() {
    String prefix = hosts.prefix;
    hosts.close();
    assertEquals(List.of(), Netns.list(prefix), "namespaces left behind");
  }

  @Test
  void containersOnTwoHostsPingAcrossTheOverlayUntilThePeerIsRemoved() {
    hosts.connectContainers();
    assertTrue(eventually(Duration.ofSeconds(10), () -> ping(hosts.ctA, "10.0.9.3")), "A cannot reach B");
    assertTrue(ping(hosts.ctB, "10.0.9.2"), "B cannot reach A");
    assertTrue(ping(hosts.ctA, "10.0.9.1"), "A cannot reach its gateway");

    hosts.dpA.syncPeers(hosts.net.vni(), List.of());
    assertEquals(Map.of(), hosts.dpA.peers(hosts.net.vni()));
    assertEquals(Map.of(), hosts.dpA.forwarding(hosts.net.vni()));
    assertFalse(ping(hosts.ctA, "10.0.9.3"), "B still reachable without its FDB/neighbour entries");
    assertFalse(ping(hosts.ctA, "10.0.9.3"), "B still reachable without its FDB/neighbour entries");

    hosts.dpA.syncPeers(hosts.net.vni(), List.of(Endpoint.of("10.0.9.3", hosts.ipB)));
    assertTrue(eventually(Duration.ofSeconds(10), () -> ping(hosts.ctA, "10.0.9.3")), "re-added peer unreachable");
  }

  @Test
  void vxlanIsAdmittedOnlyFromNodesInThePeerSet() {
    hosts.connectContainers();
    assertTrue(eventually(Duration.ofSeconds(10), () -> ping(hosts.ctB, "10.0.9.2")), "B cannot reach A");
    String table = hosts.dpA.vxlanGuardTable();
    String listed = exec(hosts.hostA, Duration.ofSeconds(5), "nft", "list", "table", "ip", table).out();
    assertTrue(listed.contains(hosts.ipB) && listed.contains("udp dport " + TwoHosts.VXLAN_PORT), listed);
    // B is still in A's FDB, but no longer in the guard's set: its VXLAN packets stop at A's input hook.
    exec(hosts.hostA, Duration.ofSeconds(5), "nft", "delete", "element", "ip", table, "peers", "{ " + hosts.ipB + " }");
    assertFalse(ping(hosts.ctB, "10.0.9.2"), "VXLAN from a node outside the peer set was admitted");
    hosts.dpA.syncPeers(hosts.net.vni(), List.of()); // a changed peer set rewrites the table whole
    hosts.dpA.syncPeers(hosts.net.vni(), List.of(Endpoint.of("10.0.9.3", hosts.ipB)));
    assertTrue(eventually(Duration.ofSeconds(10), () -> ping(hosts.ctB, "10.0.9.2")), "B not admitted again");
    hosts.dpA.removeNetwork(hosts.net);
    String after = exec(hosts.hostA, Duration.ofSeconds(5), "nft", "list", "table", "ip", table).out();
    assertFalse(after.contains(hosts.ipB), after);
  }

  @Test
  void everyStepIsIdempotentSoARestartedWorkerCanReapplyBlindly() {
    hosts.connectContainers();
    String host1 = hosts.dpA.attach(hosts.net, Netns.path(hosts.ctA), "eth0", "10.0.9.2", Endpoint.macFor("10.0.9.2"), true);
    // A "restarted worker": a new instance with the same tag re-applies everything.
    OverlayDataPath again = new OverlayDataPath(hosts.prefix + "a", hosts.ipA, TwoHosts.VXLAN_PORT, hosts.hostA);
    again.ensureNetwork(hosts.net);
    String host2 = again.attach(hosts.net, Netns.path(hosts.ctA), "eth0", "10.0.9.2", Endpoint.macFor("10.0.9.2"), true);
    again.syncPeers(hosts.net.vni(), List.of(Endpoint.of("10.0.9.3", hosts.ipB)));
    again.syncPeers(hosts.net.vni(), List.of(Endpoint.of("10.0.9.3", hosts.ipB)));
    assertEquals(host1, host2);
    assertEquals(Set.of(hosts.net.vni()), again.sandboxes());
    assertEquals(Map.of("10.0.9.3", Endpoint.macFor("10.0.9.3")), again.peers(hosts.net.vni()));
    assertEquals(Map.of(Endpoint.macFor("10.0.9.3"), Set.of(hosts.ipB)), again.forwarding(hosts.net.vni()));
    String addrs = IpCommands.ip(hosts.ctA, "-o", "-4", "addr", "show", "dev", "eth0");
    assertEquals(1, addrs.lines().count(), addrs);
    assertTrue(eventually(Duration.ofSeconds(10), () -> ping(hosts.ctA, "10.0.9.3")));

    again.detach(hosts.net, hosts.ctA);
    again.detach(hosts.net, hosts.ctA);
    assertFalse(IpCommands.tryIp(hosts.ctA, "link", "show", "eth0").ok(), "container end survived detach");

    again.removeNetwork(hosts.net);
    again.removeNetwork(hosts.net.vni());
    assertEquals(Set.of(), again.sandboxes());
    // Re-creating at once must not trip over the old VXLAN device's VNI or port.
    again.ensureNetwork(hosts.net);
    assertEquals(Set.of(hosts.net.vni()), again.sandboxes());
  }

  @Test
  void vipIsDnatedToTheRemoteTaskAndAVipWithoutTasksRefusesAtOnce() throws Exception {
    hosts.connectContainers();
    hosts.background(hosts.ctB, "busybox", "nc", "-ll", "-p", "8080", "-e", "echo", "hello");
    VipRules.apply(hosts.ctA, Map.of("10.0.9.200", List.of("10.0.9.3"), "10.0.9.201", List.of()));
    assertTrue(VipRules.ruleset(hosts.ctA).orElseThrow().contains("numgen inc mod 1"));

    assertTrue(eventually(Duration.ofSeconds(15), () ->
        exec(hosts.ctA, Duration.ofSeconds(5), "busybox", "nc", "-w", "2", "10.0.9.200", "8080").out().contains("hello")),
        "no answer through the VIP");

    long t0 = System.nanoTime();
    IpCommands.Result refused = exec(hosts.ctA, Duration.ofSeconds(10), "busybox", "nc", "-w", "5", "10.0.9.201", "8080");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertFalse(refused.ok());
    assertTrue(ms < 3000, "VIP without tasks took " + ms + " ms to fail: " + refused.err());

    VipRules.apply(hosts.ctA, Map.of());
    assertEquals(Optional.empty(), VipRules.ruleset(hosts.ctA));
    VipRules.apply(hosts.ctA, Map.of());
  }

  @Test
  void containerResolvesThroughTheDnsServerOnItsGatewayInsideTheSandbox() throws Exception {
    hosts.connectContainers();
    Inet4Address answer = (Inet4Address) InetAddress.getByName("10.0.9.77");
    try (DnsServer dns = new DnsServer(name -> name.equals("web") ? Optional.of(List.of(answer)) : Optional.empty(), List.of())) {
      DatagramChannel ch = NetnsSockets.openUdp(Netns.path(hosts.dpA.sandboxName(hosts.net.vni())),
          new InetSocketAddress(hosts.net.gateway(), 53));
      dns.listen("itnet", ch);
      IpCommands.Result r = exec(hosts.ctA, Duration.ofSeconds(15), "busybox", "nslookup", "web", hosts.net.gateway());
      assertTrue(r.out().contains("10.0.9.77"), r.out() + r.err());
      IpCommands.Result nx = exec(hosts.ctA, Duration.ofSeconds(15), "busybox", "nslookup", "other.invalid", hosts.net.gateway());
      assertFalse(nx.out().contains("10.0.9.77"), nx.out());
    }
  }

  @Test
  void thousandEndpointsAreProgrammedInOneBatchPerTool() {
    OverlayDataPath dp = hosts.dpA;
    dp.ensureNetwork(hosts.net);
    List<Endpoint> eps = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      eps.add(Endpoint.of("10.1." + (i / 250) + "." + (1 + i % 250), "10.250." + hosts.x + "." + (2 + i % 40)));
    }
    long t0 = System.nanoTime();
    dp.syncPeers(hosts.net.vni(), eps);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[figure] 1000 endpoints programmed in " + ms + " ms");
    assertEquals(1000, dp.peers(hosts.net.vni()).size());
    assertEquals(1000, dp.forwarding(hosts.net.vni()).size());

    // Replace a tenth and move another tenth to a different host: exactly the new set remains.
    List<Endpoint> next = new ArrayList<>(eps.subList(200, 1000));
    for (int i = 0; i < 100; i++) {
      next.add(Endpoint.of("10.2.0." + (1 + i), "10.250." + hosts.x + ".99"));
      Endpoint moved = eps.get(100 + i);
      next.add(Endpoint.of(moved.ip(), "10.250." + hosts.x + ".98"));
    }
    t0 = System.nanoTime();
    dp.syncPeers(hosts.net.vni(), next);
    ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[figure] 1000 endpoints re-synced (100 added, 100 moved, 100 removed) in " + ms + " ms");
    Map<String, String> peers = dp.peers(hosts.net.vni());
    Map<String, Set<String>> fdb = dp.forwarding(hosts.net.vni());
    assertEquals(1000, peers.size());
    assertEquals(1000, fdb.size());
    for (Endpoint e : next) {
      assertEquals(e.mac(), peers.get(e.ip()));
      assertEquals(Set.of(e.hostIp()), fdb.get(e.mac()));
    }

    dp.syncPeers(hosts.net.vni(), List.of());
    assertEquals(0, dp.peers(hosts.net.vni()).size());
    assertEquals(0, dp.forwarding(hosts.net.vni()).size());
  }

  @Test
  void encryptionProbeAnswersWithoutLeavingANamespace() {
    Optional<String> reason = EncryptionProbe.unsupportedReason();
    System.out.println("[figure] ESP rfc4106(gcm(aes)): " + reason.map(r -> "unsupported: " + r).orElse("supported"));
    reason.ifPresent(r -> assertFalse(r.isBlank()));
    assertEquals(reason, EncryptionProbe.unsupportedReason());
    assertEquals(List.of(), Netns.list("jsxfrm-"));
  }
}
