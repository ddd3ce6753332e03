package io.jswarm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputTest {
  @Test
  void tableAlignsColumnsLikeDocker() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    Output.table(new PrintStream(b, true, StandardCharsets.UTF_8), List.of("ID", "NAME"),
        List.of(List.of("abc", "web"), List.of("a", "longer-name")));
    assertEquals("ID    NAME\nabc   web\na     longer-name\n", b.toString(StandardCharsets.UTF_8));
  }

  @Test
  void humanDurations() {
    assertEquals("Less than a second", Output.humanDuration(300));
    assertEquals("5 seconds", Output.humanDuration(5_000));
    assertEquals("About a minute", Output.humanDuration(70_000));
    assertEquals("3 minutes", Output.humanDuration(180_000));
  }

  @Test
  void bytesInDockerUnits() {
    assertEquals("999B", Output.bytes(999));
    assertEquals("2.10MB", Output.bytes(2_100_000));
  }
}
