package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BridgeIpamTest {
    private final BridgeIpam ipam = new BridgeIpam(Ipv4.Subnet.parse("172.30.0.0/29"));

    @Test
    void skipsNetworkGatewayAndBroadcastAndIsStablePerOwner() {
        Set<String> got = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            got.add(ipam.allocate("t" + i));
        }
        assertEquals(Set.of("172.30.0.2", "172.30.0.3", "172.30.0.4", "172.30.0.5", "172.30.0.6"), got);
        assertEquals(ipam.allocate("t0"), ipam.allocate("t0"));
        assertThrows(IllegalStateException.class, () -> ipam.allocate("t5"));
    }

    @Test
    void releasedAddressesAreNotReusedAtOnce() {
        String a = ipam.allocate("a");
        ipam.release("a");
        assertNotEquals(a, ipam.allocate("b"));
    }

    @Test
    void adoptRestoresStateAfterARestartAndRefusesConflicts() {
        ipam.adopt("old", "172.30.0.4");
        assertEquals("172.30.0.4", ipam.allocate("old"));
        assertThrows(IllegalStateException.class, () -> ipam.adopt("other", "172.30.0.4"));
        assertThrows(IllegalArgumentException.class, () -> ipam.adopt("x", "172.30.0.1"));
        assertThrows(IllegalArgumentException.class, () -> ipam.adopt("x", "10.0.0.4"));
        for (int i = 0; i < 4; i++) {
            assertNotEquals("172.30.0.4", ipam.allocate("n" + i));
        }
    }

    @Test
    void subnetsWithHostBitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4.Subnet.parse("172.30.0.1/16"));
        assertEquals("172.30.0.1", Ipv4.toText(Ipv4.Subnet.parse("172.30.0.0/16").gateway()));
    }
}
