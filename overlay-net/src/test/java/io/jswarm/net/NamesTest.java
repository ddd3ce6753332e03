package io.jswarm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void interfaceNamesFitIfnamsizAndAreStable() {
    String longNs = "js3f9a-c-0123456789abcdef0123456789abcdef";
    String h = Names.hostVeth(longNs, 16777215);
    assertTrue(h.length() <= 15, h);
    assertEquals(h, Names.hostVeth(longNs, 16777215));
    assertNotEquals(h, Names.hostVeth(longNs, 16777214));
    assertTrue(Names.vxlan(16777215).length() <= 15);
    assertTrue(Names.vxlanTransit("js3f9a", 16777215).length() <= 15);
  }

  @Test
  void sandboxNamesRoundTripOnlyForTheirOwnTag() {
    assertEquals("js3f9a-n4097", Names.sandbox("js3f9a", 4097));
    assertEquals(4097, Names.vniOfSandbox("js3f9a", "js3f9a-n4097"));
    assertEquals(-1, Names.vniOfSandbox("js3f9a", "js3f9ab-n4097"));
    assertEquals(-1, Names.vniOfSandbox("js3f9a", "js3f9a-nx"));
  }
}
