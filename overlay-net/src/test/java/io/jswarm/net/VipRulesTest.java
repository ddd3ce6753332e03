package io.jswarm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VipRulesTest {
  @Test
  void scriptReplacesTheTableInOneTransaction() {
    Map<String, List<String>> vips = new LinkedHashMap<>();
    vips.put("10.0.1.201", List.of());
    vips.put("10.0.1.200", List.of("10.0.1.5", "10.0.1.6"));
    assertEquals("""
        table ip jswarm_vip
        delete table ip jswarm_vip
        table ip jswarm_vip {
          chain output {
            type nat hook output priority -100; policy accept;
            ip daddr 10.0.1.200 dnat to numgen inc mod 2 map { 0 : 10.0.1.5, 1 : 10.0.1.6 }
          }
          chain no_backends {
            type filter hook output priority 0; policy accept;
            ip daddr 10.0.1.201 ip protocol tcp reject with tcp reset
            ip daddr 10.0.1.201 reject
          }
        }
        """, VipRules.script(vips));
  }

  @Test
  void emptyMapOnlyDeletes() {
    assertEquals("table ip jswarm_vip\ndelete table ip jswarm_vip\n", VipRules.script(Map.of()));
  }

  @Test
  void badAddressesNeverReachNft() {
    assertThrows(IllegalArgumentException.class, () -> VipRules.script(Map.of("10.0.1.200; flush ruleset", List.of())));
    assertThrows(IllegalArgumentException.class, () -> VipRules.script(Map.of("10.0.1.200", List.of("x"))));
  }
}
