package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class OciImageTest {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  @TempDir Path data;

  /** An image under construction: gzip layers, config and manifest as a registry would serve them. */
  static final class Built {
    final Map<String, byte[]> blobs = new HashMap<>();
    final List<String> opened = new ArrayList<>();
    byte[] manifest;
    byte[] config;

    ImageStore.BlobSource source() {
      return (digest, size) -> {
        opened.add(digest);
        return new ByteArrayInputStream(blobs.get(digest));
      };
    }
  }

  static Built image(byte[]... tars) throws IOException {
    Built b = new Built();
    ObjectNode cfg = Json.MAPPER.createObjectNode();
    cfg.put("architecture", "amd64").put("os", "linux");
    cfg.putObject("config").putArray("Cmd").add("/bin/sh");
    var diffIds = cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    var layers = m.putArray("layers");
    for (byte[] tar : tars) {
      diffIds.add(Digests.of(tar));
      byte[] gz = gzip(tar);
      String d = Digests.of(gz);
      b.blobs.put(d, gz);
      layers.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip").put("digest", d)
          .put("size", gz.length);
    }
    b.config = Json.bytes(cfg);
    m.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", Digests.of(b.config)).put("size", b.config.length);
    b.manifest = Json.bytes(m);
    return b;
  }

  /** The same image with its config edited (the manifest re-pointed at the new config). */
  static Built withConfig(Built b, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    ObjectNode cfg = (ObjectNode) Json.MAPPER.readTree(b.config);
    edit.accept(cfg);
    b.config = Json.bytes(cfg);
    ObjectNode m = (ObjectNode) Json.MAPPER.readTree(b.manifest);
    ((ObjectNode) m.get("config")).put("digest", Digests.of(b.config)).put("size", b.config.length);
    b.manifest = Json.bytes(m);
    return b;
  }

  @Test
  void healthcheckOfTheImageConfigIsRead() throws IOException {
    Built b = withConfig(image(new TestTars().file("a", "1", 0644).build()), cfg -> {
      ObjectNode h = ((ObjectNode) cfg.get("config")).putObject("Healthcheck");
      h.putArray("Test").add("CMD-SHELL").add("test -f /a");
      h.put("Interval", 2_000_000_000L).put("Timeout", 500_000_000L).put("StartPeriod", 0L).put("Retries", 2);
    });
    ImageStore s = new ImageStore(data);
    s.putImage("hc", List.of(), b.manifest, b.config, b.source(), quiet());
    var hc = s.resolve("hc").orElseThrow().healthcheck();
    assertEquals(List.of("CMD-SHELL", "test -f /a"), hc.getTestList());
    assertEquals(2_000, hc.getIntervalMs());
    assertEquals(500, hc.getTimeoutMs());
    assertEquals(2, hc.getRetries());
    Built plain = image(new TestTars().file("b", "1", 0644).build());
    s.putImage("plain", List.of(), plain.manifest, plain.config, plain.source(), quiet());
    org.junit.jupiter.api.Assertions.assertNull(s.resolve("plain").orElseThrow().healthcheck(), "no HEALTHCHECK, none made up");
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private static ImageStore.LayerListener quiet() {
    return (d, s, st) -> { };
  }

  @Test
  void layersStackInOrderAndAreFoundByManifestDigest() throws IOException {
    Built b = image(new TestTars().dir("etc").file("etc/a", "1", 0644).build(),
        new TestTars().dir("etc").file("etc/b", "2", 0644).build());
    ImageStore s = new ImageStore(data);
    var sum = s.putImage("reg.example:5000/app:1", List.of(), b.manifest, b.config, b.source(), quiet());
    Image img = s.resolve("reg.example:5000/app@" + Digests.of(b.manifest)).orElseThrow();
    assertEquals(sum.getId(), img.id());
    assertEquals(2, img.layerDirs().size());
    assertTrue(Files.exists(img.layerDirs().get(0).resolve("etc/a")));
    assertTrue(Files.exists(img.layerDirs().get(1).resolve("etc/b")));
    assertEquals(List.of("/bin/sh"), img.cmd());
    assertEquals(sum.getId(), s.resolve("reg.example:5000/app:1").orElseThrow().id());
  }

  @Test
  void sharedLayerIsFetchedAndUnpackedOnce() throws IOException {
    byte[] base = new TestTars().dir("etc").file("etc/a", "1", 0644).build();
    Built one = image(base);
    Built two = image(base, new TestTars().file("b", "2", 0644).build());
    ImageStore s = new ImageStore(data);
    s.putImage("one", List.of(), one.manifest, one.config, one.source(), quiet());
    s.putImage("two", List.of(), two.manifest, two.config, two.source(), quiet());
    assertEquals(1, two.opened.size(), "only the new layer is fetched: " + two.opened);
    Image i1 = s.resolve("one").orElseThrow();
    Image i2 = s.resolve("two").orElseThrow();
    assertEquals(i1.layerDirs().get(0), i2.layerDirs().get(0));
  }

  @Test
  void deletedFileBecomesAnOverlayWhiteout() throws IOException {
    assumeTrue(ROOT, "mknod needs root");
    Built b = image(new TestTars().dir("etc").file("etc/a", "1", 0644).file("etc/keep", "k", 0644).build(),
        new TestTars().dir("etc").file("etc/.wh.a", "", 0644).build());
    ImageStore s = new ImageStore(data);
    s.putImage("img", List.of(), b.manifest, b.config, b.source(), quiet());
    Path top = s.resolve("img").orElseThrow().layerDirs().get(1);
    assertTrue(Whiteouts.isDeviceWhiteout(top.resolve("etc/a")), "etc/a is a 0/0 char device");
    assertFalse(Files.exists(top.resolve("etc/.wh.a"), LinkOption.NOFOLLOW_LINKS));
    assertOverlayView(s.resolve("img").orElseThrow(), List.of("etc/keep"), List.of("etc/a"));
  }

  @Test
  void opaqueDirHidesEverythingBelow() throws IOException {
    assumeTrue(ROOT, "mknod needs root");
    Built b = image(
        new TestTars().dir("d").file("d/x", "x", 0644).dir("d/sub").file("d/sub/y", "y", 0644).file("top", "t", 0644).build(),
        new TestTars().dir("d").file("d/.wh..wh..opq", "", 0644).dir("d/sub").file("d/sub/new", "n", 0644).build());
    ImageStore s = new ImageStore(data);
    s.putImage("img", List.of(), b.manifest, b.config, b.source(), quiet());
    Image img = s.resolve("img").orElseThrow();
    Path top = img.layerDirs().get(1);
    assertTrue(top.getFileName().toString().startsWith("c"), "an opaque layer is stored per chain: " + top);
    assertTrue(Whiteouts.isDeviceWhiteout(top.resolve("d/x")));
    assertTrue(Whiteouts.isDeviceWhiteout(top.resolve("d/sub/y")));
    assertFalse(Files.exists(top.resolve("d/.wh..wh..opq"), LinkOption.NOFOLLOW_LINKS));
    assertOverlayView(img, List.of("top", "d/sub/new"), List.of("d/x", "d/sub/y"));
  }

  /** Mounts the image's layers with overlayfs and checks what a container would see. */
  private void assertOverlayView(Image img, List<String> present, List<String> absent) throws IOException {
    Path mnt = Files.createDirectories(data.resolve("mnt"));
    List<Path> lower = new ArrayList<>(img.layerDirs());
    java.util.Collections.reverse(lower);
    String opts = "lowerdir=" + lower.stream().map(Path::toString).reduce((a, c) -> a + ":" + c).orElseThrow();
    Command.check(List.of("mount", "-t", "overlay", "overlay", "-o", opts, mnt.toString()), 30_000);
    try {
      for (String p : present) {
        assertTrue(Files.exists(mnt.resolve(p), LinkOption.NOFOLLOW_LINKS), p + " visible");
      }
      for (String p : absent) {
        assertFalse(Files.exists(mnt.resolve(p), LinkOption.NOFOLLOW_LINKS), p + " hidden");
      }
    } finally {
      Command.check(List.of("umount", mnt.toString()), 30_000);
    }
  }

  @Test
  void gzipBombIsStoppedAtTheCapAndNothingKept() throws IOException {
    byte[] big = new TestTars().file("zeros", new byte[4 << 20], 0644).build();
    Built b = image(big);
    assertTrue(b.blobs.values().iterator().next().length < 64 << 10, "compresses well");
    ImageStore s = new ImageStore(data, 1 << 20);
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> s.putImage("bomb", List.of(), b.manifest, b.config, b.source(), quiet()));
    assertTrue(e.getMessage().contains("larger than the limit"), e.getMessage());
    assertNothingKept(s);
  }

  @Test
  void blobNotMatchingItsDigestIsRefused() throws IOException {
    Built b = image(new TestTars().file("a", "1", 0644).build());
    String d = b.blobs.keySet().iterator().next();
    b.blobs.put(d, gzip(new TestTars().file("a", "2", 0644).build()));
    ImageStore s = new ImageStore(data);
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> s.putImage("bad", List.of(), b.manifest, b.config, b.source(), quiet()));
    // a swapped blob is caught by its digest, or first by its declared size when it is longer
    assertTrue(e.getMessage().contains("does not match") || e.getMessage().contains("larger than the limit"),
        e.getMessage());
    assertNothingKept(s);
  }

  @Test
  void configNotMatchingTheManifestIsRefused() throws IOException {
    Built b = image(new TestTars().file("a", "1", 0644).build());
    ImageStore s = new ImageStore(data);
    byte[] other = "{\"rootfs\":{\"diff_ids\":[]}}".getBytes();
    assertThrows(InvalidArchiveException.class,
        () -> s.putImage("bad", List.of(), b.manifest, other, b.source(), quiet()));
  }

  private void assertNothingKept(ImageStore s) throws IOException {
    try (Stream<Path> layers = Files.list(data.resolve("images/layers"));
        Stream<Path> tmp = Files.list(data.resolve("images/tmp"));
        Stream<Path> blobs = Files.list(data.resolve("images/blobs/sha256"))) {
      assertEquals(0, layers.count());
      assertEquals(0, tmp.count());
      assertEquals(0, blobs.count());
    }
    assertTrue(s.list().isEmpty());
  }
}
