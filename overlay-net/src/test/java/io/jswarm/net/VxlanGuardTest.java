package io.jswarm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class VxlanGuardTest {
  @Test
  void onlyPeerNodesReachTheTunnelAddressesVxlanPort() {
    assertEquals(String.join("\n",
        "table ip jswarm_vxlan_w1 {}",
        "delete table ip jswarm_vxlan_w1",
        "table ip jswarm_vxlan_w1 {",
        "  set peers { type ipv4_addr; elements = { 10.1.0.2, 10.1.0.3 }; }",
        "  chain input {",
        "    type filter hook input priority filter; policy accept;",
        "    ip daddr 10.1.0.1 udp dport 4789 ip saddr != @peers drop",
        "  }",
        "}",
        ""), VxlanGuard.script("jswarm_vxlan_w1", "10.1.0.1", 4789, new TreeSet<>(Set.of("10.1.0.3", "10.1.0.2"))));
  }

  @Test
  void noPeersMeansNoVxlanAtAll() {
    String s = VxlanGuard.script("t", "10.1.0.1", 4789, Set.of());
    assertEquals(true, s.contains("  set peers { type ipv4_addr; }"), s);
    assertEquals(true, s.contains("ip saddr != @peers drop"), s);
  }
}
