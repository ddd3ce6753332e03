package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code image save|load} against Debian's skopeo, which reads and writes both archive formats:
 * what jswarm saves skopeo reads with the same manifest and config bytes; what skopeo writes jswarm
 * loads as the same image (same config digest); bad archives are refused and change nothing.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ImageArchiveIT {
  static JswarmProcess js;
  static Path dir;

  @BeforeAll
  static void up() throws Exception {
    js = JswarmProcess.swarmWithBusybox("archive");
    dir = js.dir.resolve("archives");
    Files.createDirectories(dir);
  }

  @AfterAll
  static void down() throws Exception {
    if (js != null) js.tearDown();
  }

  static String sh(String script) {
    JswarmProcess.Result r = JswarmProcess.exec(List.of("bash", "-c", script), Duration.ofSeconds(60));
    assertEquals(0, r.exit(), script + "\n" + r.all());
    return r.out().trim();
  }

  static String sha256Of(String command) {
    return "sha256:" + sh(command + " | sha256sum").split(" ")[0];
  }

  /** The image id `image ls` shows for NAME:TAG (12 hex). */
  static String shortId(String name, String tag) {
    return js.ok("image", "ls").out().lines().filter(l -> l.matches(name + "\\s+" + tag + "\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError(name + ":" + tag + " not listed")).split("\\s+")[2];
  }

  @Test
  void ociArchiveIsReadBySkopeoAndSkopeosDockerArchiveLoadsAsTheSameImage() throws Exception {
    Path oci = dir.resolve("oci.tar");
    js.ok("image", "save", "--format", "oci", "-o", oci.toString(), "busybox:it");
    Path again = dir.resolve("oci-again.tar");
    js.ok("image", "save", "--format", "oci", "-o", again.toString(), "busybox:it");
    assertArrayEquals(Files.readAllBytes(oci), Files.readAllBytes(again), "saving is deterministic");

    String index = sh("tar -xOf " + oci + " index.json");
    String manifestDigest = index.replaceAll("(?s).*\"digest\":\"(sha256:[0-9a-f]{64})\".*", "$1");
    String src = "oci-archive:" + oci + ":busybox:it";
    assertEquals(manifestDigest, sha256Of("skopeo inspect --raw " + src), "skopeo reads our manifest byte for byte");
    assertEquals(js.imageId, sha256Of("skopeo inspect --config --raw " + src), "and our config");

    Path docker = dir.resolve("from-skopeo.tar");
    sh("skopeo copy " + src + " docker-archive:" + docker + ":copied:2");
    String out = js.ok("image", "load", "-i", docker.toString()).out();
    assertTrue(out.contains("Loaded image: copied:2"), out);
    assertEquals(shortId("busybox", "it"), shortId("copied", "2"), "the same config digest: the same image");
  }

  @Test
  void dockerArchiveIsReadBySkopeoAndSkopeosOciArchiveLoadsAsTheSameImage() throws Exception {
    Path docker = dir.resolve("docker.tar");
    js.ok("image", "save", "-o", docker.toString(), "busybox:it");
    assertTrue(sh("tar -tf " + docker).contains("manifest.json"));
    assertEquals(js.imageId, sha256Of("skopeo inspect --config --raw docker-archive:" + docker), "skopeo reads our config");

    Path oci = dir.resolve("from-skopeo-oci.tar");
    sh("skopeo copy docker-archive:" + docker + " oci-archive:" + oci + ":again:3");
    String out = js.ok("image", "load", "-i", oci.toString()).out();
    assertTrue(out.contains("Loaded image: again:3"), out);
    assertEquals(shortId("busybox", "it"), shortId("again", "3"));

    // and our own docker-archive loads back from stdin
    js.ok("image", "rm", "again:3");
    JswarmProcess.Result r = JswarmProcess.exec(List.of("bash", "-c", JswarmProcess.BIN + " -H " + js.host()
        + " image load < " + docker), Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("Loaded image: busybox:it"), r.all());
  }

  @Test
  void badArchivesAreRefusedAndChangeNothing() throws Exception {
    String before = js.ok("image", "ls", "-q").out();
    Path oci = dir.resolve("good.tar");
    js.ok("image", "save", "--format", "oci", "-o", oci.toString(), "busybox:it");

    Path escape = dir.resolve("escape.tar");
    writeTar(escape, List.of(new Entry("../escaped", "x".getBytes(StandardCharsets.UTF_8))), false);
    assertRefused(escape, "leaves the archive");
    assertFalse(Files.exists(js.dataRoot.resolve("images/escaped")), "nothing written outside");

    Path tampered = dir.resolve("tampered.tar");
    copyTampered(oci, tampered);
    assertRefused(tampered, "does not match");

    Path huge = dir.resolve("huge.tar");
    writeTar(huge, List.of(new Entry("blobs/sha256/big", new byte[0])), true);
    assertRefused(huge, "declares");

    Path garbage = dir.resolve("garbage.tar");
    Files.write(garbage, "this is not a tar archive at all".repeat(40).getBytes(StandardCharsets.UTF_8));
    JswarmProcess.Result g = js.run("image", "load", "-i", garbage.toString());
    assertNotEquals(0, g.exit(), g.all());

    assertEquals(before, js.ok("image", "ls", "-q").out(), "no image was added");

    Path none = dir.resolve("none.tar");
    JswarmProcess.Result missing = js.run("image", "save", "-o", none.toString(), "busybox:it", "absent:9");
    assertNotEquals(0, missing.exit(), missing.all());
    assertTrue(missing.err().contains("no such image: absent:9"), missing.all());
    assertFalse(Files.exists(none), "no file is left by a failed save");
    JswarmProcess.Result badFormat = js.run("image", "save", "--format", "zip", "-o", none.toString(), "busybox:it");
    assertTrue(badFormat.err().contains("--format must be docker or oci"), badFormat.all());
  }

  private static void assertRefused(Path archive, String why) {
    JswarmProcess.Result r = js.run("image", "load", "-i", archive.toString());
    assertNotEquals(0, r.exit(), r.all());
    assertTrue(r.err().contains(why), "expected \"" + why + "\":\n" + r.all());
  }

  record Entry(String name, byte[] data) {}

  /** A tar of the entries; {@code hugeHeader}: the last entry declares 1 TiB and the archive ends. */
  private static void writeTar(Path file, List<Entry> entries, boolean hugeHeader) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file)) {
      TarArchiveOutputStream tar = new TarArchiveOutputStream(raw);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry te = new TarArchiveEntry(e.name(), true);
        te.setSize(hugeHeader ? 1L << 40 : e.data().length);
        tar.putArchiveEntry(te);
        if (hugeHeader) {
          tar.flush();
          raw.write(new byte[4096]);
          return; // a header promising 1 TiB, then the archive just stops
        }
        tar.write(e.data());
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  /** Copies the archive with one byte flipped in its largest entry (the layer), sizes unchanged. */
  private static void copyTampered(Path src, Path dst) throws IOException {
    String largest = null;
    long max = -1;
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(src))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getSize() > max) {
          max = e.getSize();
          largest = e.getName();
        }
      }
    }
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(src));
        TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(dst))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        byte[] data = readAll(in);
        if (e.getName().equals(largest)) data[data.length / 2] ^= 0x5a;
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
      out.finish();
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toByteArray();
  }
}
