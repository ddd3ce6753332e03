package io.jswarm.net.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpamTest {
  @Test
  void parsesAndRejectsWithUsableMessages() {
    assertEquals("10.0.9.0/24", Cidr.parse("10.0.9.0/24").toString());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.9.1/24")).getMessage().contains("10.0.9.0/24"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.9.0"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.300.0/24"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.9.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("a.b.c.d/8"));
  }

  @Test
  void subnetsSkipWhatIsTaken() {
    var taken = List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("10.0.2.0/23"), Cidr.parse("10.0.1.0/24"));
    assertEquals("10.0.4.0/24", Ipam.nextSubnet(Ipam.DEFAULT_POOL, 24, taken).orElseThrow().toString());
    assertTrue(Ipam.nextSubnet(Cidr.parse("10.0.0.0/24"), 24, List.of(Cidr.parse("10.0.0.0/16"))).isEmpty());
  }

  @Test
  void addressesAreUniqueSkipNetworkAndBroadcastAndWrapAround() {
    Cidr c = Cidr.parse("10.0.5.0/29"); // hosts .1 .. .6
    Set<Long> taken = new HashSet<>(Set.of(Cidr.parseIp("10.0.5.1"))); // the gateway
    long last = 0;
    for (int i = 0; i < 5; i++) {
      long ip = Ipam.nextAddress(c, taken, last).orElseThrow();
      assertTrue(ip > c.base() && ip < c.last() && taken.add(ip), Cidr.format(ip));
      last = ip;
    }
    assertTrue(Ipam.nextAddress(c, taken, last).isEmpty(), "full");
    taken.remove(Cidr.parseIp("10.0.5.3"));
    assertEquals("10.0.5.3", Cidr.format(Ipam.nextAddress(c, taken, last).orElseThrow()));
  }

  @Test
  void vnisStartAt4097() {
    assertEquals(4097, Ipam.nextVni(Set.of()));
    assertEquals(4099, Ipam.nextVni(Set.of(4097, 4098)));
  }
}
