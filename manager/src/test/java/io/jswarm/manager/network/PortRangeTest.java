package io.jswarm.manager.network;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.ClusterSpec;
import org.junit.jupiter.api.Test;

class PortRangeTest {
  @Test
  void emptyMeansDockersRange() {
    assertEquals(new PortRange(30000, 32767), PortRange.of(ClusterSpec.getDefaultInstance()));
  }

  @Test
  void parsesAndBoundsARange() {
    assertEquals(new PortRange(31000, 31000), PortRange.parse(" 31000-31000 "));
    for (String bad : new String[] {"9-3", "0-10", "1-70000", "abc", "100", "1-2-3"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortRange.parse(bad), bad);
      assertTrue(e.getMessage().contains("range"), e.getMessage());
    }
  }
}
