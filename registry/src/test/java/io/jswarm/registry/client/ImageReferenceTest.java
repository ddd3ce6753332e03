package io.jswarm.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ImageReferenceTest {
  private static final String D = "sha256:" + "a".repeat(64);

  @Test
  void firstComponentIsARegistryOnlyWithDotColonOrLocalhost() {
    ImageReference r = ImageReference.parse("10.213.0.11:5000/busybox:1");
    assertEquals("10.213.0.11:5000", r.registry());
    assertEquals("busybox", r.repository());
    assertEquals("1", r.tag());
    assertTrue(r.remote());
    assertEquals("localhost", ImageReference.parse("localhost/a/b").registry());
    assertEquals("reg.example", ImageReference.parse("reg.example/a/b:2").registry());
    ImageReference local = ImageReference.parse("library/busybox");
    assertNull(local.registry());
    assertFalse(local.remote());
    assertEquals("library/busybox", local.repository());
    assertEquals("latest", local.tag());
  }

  @Test
  void digestsAndTagsCanBothBeGiven() {
    ImageReference r = ImageReference.parse("localhost:5000/a/b:1@" + D);
    assertEquals("1", r.tag());
    assertEquals(D, r.digest().toString());
    assertEquals(D, r.manifestReference());
    ImageReference pinned = ImageReference.parse("localhost:5000/a@" + D);
    assertNull(pinned.tag());
    assertEquals("localhost:5000/a@" + D, pinned.toString());
    assertEquals("localhost:5000/a:latest", ImageReference.parse("localhost:5000/a").toString());
  }

  @Test
  void badReferencesAreRefused() {
    for (String bad : new String[] {"", "UPPER", "a b", "reg.example/../x", "x@sha256:zz", "x:bad tag",
        "reg.example:5000/x:-bad", "reg.example/", "a//b"}) {
      assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(bad), bad);
    }
  }
}
