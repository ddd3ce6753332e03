package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortRulesetTest {

    @Test
    void replacesTheWholeTableInOneScript() {
        String s = PortRuleset.render(List.of(), List.of());
        assertTrue(s.startsWith("table ip jswarm_ports {}\ndelete table ip jswarm_ports\ntable ip jswarm_ports {\n"), s);
        assertTrue(s.contains("type nat hook prerouting priority dstnat"), s);
        assertTrue(s.contains("type nat hook output priority -100"), s);
        assertEquals(2, s.split("fib daddr type local jump published", -1).length - 1, s);
    }

    @Test
    void hostPortOnAnyAddressAndOnOneAddress() {
        String s = PortRuleset.render(List.of(
                new HostPort("tcp", "", 8080, "172.30.0.2", 80),
                new HostPort("UDP", "10.0.0.1", 53, "172.30.0.3", 5353)), List.of());
        assertTrue(s.contains("\n    tcp dport 8080 dnat to 172.30.0.2:80\n"), s);
        assertTrue(s.contains("\n    ip daddr 10.0.0.1 udp dport 53 dnat to 172.30.0.3:5353\n"), s);
        assertFalse(s.contains("snat"), s);
    }

    @Test
    void ingressWithLocalBackendsSpreadsOverThemOnlyAndKeepsTheClientAddress() {
        String s = PortRuleset.render(List.of(), List.of(new IngressPort("tcp", 30080, 80,
                List.of("172.30.0.2", "172.30.0.3"), List.of("10.255.0.9"), "10.255.0.3")));
        assertTrue(s.contains("tcp dport 30080 dnat ip addr . port to numgen inc mod 2 map "
                + "{ 0 : 172.30.0.2 . 80, 1 : 172.30.0.3 . 80 }"), s);
        assertFalse(s.contains("10.255.0.9"), s);
        assertFalse(s.contains("snat"), s);
    }

    @Test
    void ingressWithOnlyRemoteBackendsSnatsToTheNodesIngressAddress() {
        String s = PortRuleset.render(List.of(), List.of(new IngressPort("udp", 30053, 53,
                List.of(), List.of("10.255.0.5"), "10.255.0.3")));
        assertTrue(s.contains("udp dport 30053 dnat to 10.255.0.5:53"), s);
        assertTrue(s.contains("ct status dnat meta l4proto udp ct original proto-dst 30053 ip daddr 10.255.0.5 snat to 10.255.0.3"), s);
    }

    @Test
    void ingressWithoutBackendsPublishesNothing() {
        String s = PortRuleset.render(List.of(), List.of(new IngressPort("tcp", 30080, 80, List.of(), List.of(), null)));
        assertFalse(s.contains("dport"), s);
    }

    @Test
    void remoteOnlyIngressNeedsAnSnatAddress() {
        assertThrows(IllegalArgumentException.class,
                () -> new IngressPort("tcp", 30080, 80, List.of(), List.of("10.255.0.5"), ""));
    }

    @Test
    void clashingPortsAreRejectedNamingBoth() {
        var e = assertThrows(IllegalArgumentException.class, () -> PortRuleset.render(
                List.of(new HostPort("tcp", "10.0.0.1", 8080, "172.30.0.2", 80)),
                List.of(new IngressPort("tcp", 8080, 80, List.of("172.30.0.3"), List.of(), null))));
        assertTrue(e.getMessage().contains("ingress") && e.getMessage().contains("host-mode"), e.getMessage());
        // same port on different addresses, or different protocols, is fine
        PortRuleset.render(List.of(
                new HostPort("tcp", "10.0.0.1", 8080, "172.30.0.2", 80),
                new HostPort("tcp", "10.0.0.2", 8080, "172.30.0.3", 80),
                new HostPort("udp", "", 8080, "172.30.0.3", 80)), List.of());
    }

    @Test
    void textThatIsNotAnAddressNeverReachesNft() {
        assertThrows(IllegalArgumentException.class, () -> new HostPort("tcp", "", 80, "1.2.3.4; flush ruleset", 80));
        assertThrows(IllegalArgumentException.class, () -> new HostPort("sctp", "", 80, "1.2.3.4", 80));
        assertThrows(IllegalArgumentException.class, () -> new HostPort("tcp", "", 0, "1.2.3.4", 80));
        assertThrows(IllegalArgumentException.class, () -> new HostPort("tcp", "256.0.0.1", 80, "1.2.3.4", 80));
    }

    @Test
    void parsesWhatNftListsBack() {
        String listing = String.join("\n",
                "table ip jswarm_ports {",
                "\tchain published {",
                "\t\ttcp dport 8080 dnat to 172.30.0.2:80",
                "\t\tip daddr 10.0.0.1 udp dport 53 dnat to 172.30.0.3:5353",
                "\t\ttcp dport 8081 dnat ip to numgen inc mod 2 map { 0 : 172.30.0.2 . 80, 1 : 172.30.0.2 . 80 }",
                "\t}",
                "}");
        assertEquals(List.of(
                new PortRuleset.Published("tcp", "", 8080),
                new PortRuleset.Published("udp", "10.0.0.1", 53),
                new PortRuleset.Published("tcp", "", 8081)), PortRuleset.parsePublished(listing));
    }
}
