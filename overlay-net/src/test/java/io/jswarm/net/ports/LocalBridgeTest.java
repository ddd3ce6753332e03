package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocalBridgeTest {

    @Test
    void natTableMasqueradesOutboundHairpinAndLoopbackAndReplacesItself() {
        String s = new LocalBridge("jsbr0").natTable();
        assertTrue(s.startsWith("table ip jswarm_nat {}\ndelete table ip jswarm_nat\n"), s);
        assertTrue(s.contains("ip saddr 172.30.0.0/16 oifname != \"jsbr0\" masquerade"), s);
        assertTrue(s.contains("ip saddr 172.30.0.0/16 oifname \"jsbr0\" ct status dnat masquerade"), s);
        assertTrue(s.contains("ip saddr 127.0.0.0/8 oifname \"jsbr0\" masquerade"), s);
    }

    @Test
    void gatewayIsTheFirstHostAndNamesAreChecked() {
        assertEquals("10.9.0.1", new LocalBridge("b", "10.9.0.0/24").gateway());
        assertThrows(IllegalArgumentException.class, () -> new LocalBridge("a-name-far-too-long"));
        assertThrows(IllegalArgumentException.class, () -> new LocalBridge("br;x"));
        assertTrue(VethNames.bridgePort("some-very-long-container-netns-name").length() <= 15);
    }
}
