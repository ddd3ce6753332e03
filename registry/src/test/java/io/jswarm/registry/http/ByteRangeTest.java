package io.jswarm.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void closedOpenAndSuffixRanges() {
    assertEquals(new ByteRange(0, 9), ByteRange.parse("bytes=0-9", 100));
    assertEquals(new ByteRange(90, 99), ByteRange.parse("bytes=90-", 100));
    assertEquals(new ByteRange(90, 99), ByteRange.parse("bytes=90-500", 100));
    assertEquals(new ByteRange(95, 99), ByteRange.parse("bytes=-5", 100));
    assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=-500", 100));
  }

  @Test
  void unsupportedFormsServeTheWholeBlob() {
    assertNull(ByteRange.parse(null, 100));
    assertNull(ByteRange.parse("bytes=0-1,5-6", 100));
    assertNull(ByteRange.parse("items=0-1", 100));
    assertNull(ByteRange.parse("bytes=-", 100));
  }

  @Test
  void unsatisfiableRanges() {
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=100-", 100));
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=9-5", 100));
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-0", 100));
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=0-", 0));
  }
}
