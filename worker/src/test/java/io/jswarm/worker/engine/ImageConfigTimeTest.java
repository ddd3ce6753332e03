package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Import's config timestamps are written as Go re-marshals them, so converting tools keep the image id. */
class ImageConfigTimeTest {
  @Test
  void fractionsLoseTrailingZerosAsInGo() {
    long base = Instant.parse("2026-11-28T02:35:11Z").toEpochMilli();
    assertEquals("2026-11-28T02:35:11.12Z", ImportedImage.goTime(base + 120));
    assertEquals("2026-11-28T02:35:11.1Z", ImportedImage.goTime(base + 100));
    assertEquals("2026-11-28T02:35:11.123Z", ImportedImage.goTime(base + 123));
    assertEquals("2026-11-28T02:35:11Z", ImportedImage.goTime(base));
    assertEquals("2026-11-28T02:35:10Z", ImportedImage.goTime(base - 1000), "whole seconds keep their zeros");
  }
}
