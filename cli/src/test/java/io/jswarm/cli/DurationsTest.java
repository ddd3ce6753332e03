package io.jswarm.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesGoDurations() {
    assertEquals(0, Durations.parseMillis("0s"));
    assertEquals(0, Durations.parseMillis("0"));
    assertEquals(500, Durations.parseMillis("500ms"));
    assertEquals(90_000, Durations.parseMillis("1m30s"));
    assertEquals(1_500, Durations.parseMillis("1.5s"));
    assertEquals(3_600_000, Durations.parseMillis("1h"));
  }

  @Test
  void rejectsGarbage() {
    assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("10"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("abc"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("5s garbage"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis(""));
  }
}
