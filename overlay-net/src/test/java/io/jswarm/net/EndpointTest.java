package io.jswarm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EndpointTest {
  @Test
  void macIsDockerStyleFromTheAddress() {
    assertEquals("02:42:0a:00:01:05", Endpoint.macFor("10.0.1.5"));
    assertEquals("02:42:c0:a8:ff:fe", Endpoint.macFor("192.168.255.254"));
  }

  @Test
  void macIsLowerCasedSoKernelAndClusterStateCompareEqual() {
    assertEquals("02:42:0a:00:01:05", new Endpoint("10.0.1.5", "02:42:0A:00:01:05", "10.1.1.1").mac());
  }

  @Test
  void malformedValuesAreRejectedBeforeTheyReachACommandLine() {
    assertThrows(IllegalArgumentException.class, () -> Endpoint.macFor("10.0.1.256"));
    assertThrows(IllegalArgumentException.class, () -> new Endpoint("10.0.1.5 dev x", "02:42:0a:00:01:05", "10.1.1.1"));
    assertThrows(IllegalArgumentException.class, () -> new Endpoint("10.0.1.5", "02:42:0a:00:01", "10.1.1.1"));
  }

  @Test
  void networkConfigKnowsItsPrefix() {
    NetworkConfig n = new NetworkConfig("net1", 4097, "10.0.1.0/24", "10.0.1.1", 1450);
    assertEquals("10.0.1.5/24", n.withPrefix("10.0.1.5"));
    assertThrows(IllegalArgumentException.class, () -> new NetworkConfig("n", 0, "10.0.1.0/24", "10.0.1.1", 1450));
    assertThrows(IllegalArgumentException.class, () -> new NetworkConfig("n", 1, "10.0.1.0", "10.0.1.1", 1450));
  }
}
