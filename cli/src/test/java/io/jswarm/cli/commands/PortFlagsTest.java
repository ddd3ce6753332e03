package io.jswarm.cli.commands;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.PortConfig;
import io.jswarm.cli.CliException;
import org.junit.jupiter.api.Test;

class PortFlagsTest {
  @Test
  void shortFormsPublishThroughTheMeshUnlessBoundToAnAddress() {
    PortConfig p = PortFlags.parse("8080:80/udp");
    assertEquals(8080, p.getPublishedPort());
    assertEquals(80, p.getTargetPort());
    assertEquals(PortConfig.Protocol.UDP, p.getProtocol());
    assertEquals(PortConfig.PublishMode.INGRESS, p.getPublishMode());
    assertEquals(PortConfig.PublishMode.HOST, PortFlags.parse("127.0.0.1::80").getPublishMode());
  }

  @Test
  void publishRmMatchesByTargetOrByBothPortsAndProtocol() {
    PortConfig p = PortFlags.parse("8080:80");
    assertTrue(PortFlags.matches(p, "80"));
    assertTrue(PortFlags.matches(p, "8080:80"));
    assertTrue(PortFlags.matches(p, "8080:80/tcp"));
    assertFalse(PortFlags.matches(p, "8081:80"));
    assertFalse(PortFlags.matches(p, "80/udp"));
    assertFalse(PortFlags.matches(p, "8080"), "one number is the target port, as in Docker");
    assertThrows(CliException.class, () -> PortFlags.matches(p, "x:80"));
  }
}
