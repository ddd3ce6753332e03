package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeGuardTest {
  @Test
  void bridgeRulesIsolatePortsAndCloseTheNodeButForDns() {
    String s = NodeGuard.bridge("jsbr1", "172.30.0.1");
    List<String> lines = s.lines().map(String::strip).toList();
    // ports of the bridge never forward to each other, except traffic a published port DNATed
    assertTrue(lines.containsAll(List.of(
        "table bridge jswarm_isolation {",
        "meta mark & 0x00200000 == 0x00200000 accept",
        "iifname \"vb*\" oifname \"vb*\" drop",
        "iifname \"jsbr1\" ct status dnat meta mark set meta mark | 0x00200000")), s);
    // CVE-2020-8558: no 127.0.0.0/8 from outside, before NAT could make it look local
    assertTrue(lines.containsAll(List.of("type filter hook prerouting priority -150; policy accept;",
        "iifname != \"lo\" ip daddr 127.0.0.0/8 drop")), s);
    // the node answers tasks only for DNS and ping on the gateway, and replies
    List<String> input = lines.subList(lines.indexOf("chain input {"), lines.size());
    assertEquals(List.of(
        "chain input {",
        "type filter hook input priority filter; policy accept;",
        "iifname \"jsbr1\" ct state established,related accept",
        "iifname \"jsbr1\" ip daddr 172.30.0.1 udp dport 53 accept",
        "iifname \"jsbr1\" ip daddr 172.30.0.1 tcp dport 53 accept",
        "iifname \"jsbr1\" ip daddr 172.30.0.1 icmp type echo-request accept",
        "iifname \"jsbr1\" drop",
        "}", "}"), input);
    assertTrue(s.startsWith("table bridge jswarm_isolation {}\ndelete table bridge jswarm_isolation\n"), "replaced whole");
  }

  @Test
  void ingressLegAdmitsRepliesOnly() {
    List<String> lines = NodeGuard.ingressLeg("jsin0").lines().map(String::strip).toList();
    assertTrue(lines.containsAll(List.of("table ip jswarm_guard_ingress {",
        "iifname != \"lo\" ip daddr 127.0.0.0/8 drop",
        "iifname \"jsin0\" ct state established,related accept",
        "iifname \"jsin0\" drop")), lines.toString());
    assertEquals("table ip jswarm_guard_ingress {}\ndelete table ip jswarm_guard_ingress\n", NodeGuard.removeIngressLeg());
  }
}
