package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LayerUnpackerTest {
  @TempDir Path data;
  @TempDir Path outside;

  private ImageStore store() {
    return new ImageStore(data);
  }

  private void assertRejectedAndNothingKept(byte[] tar, String expected) throws IOException {
    ImageStore s = store();
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> s.importImage("evil", new ByteArrayInputStream(tar)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    try (Stream<Path> layers = Files.list(data.resolve("images/layers"));
        Stream<Path> tmp = Files.list(data.resolve("images/tmp"));
        Stream<Path> blobs = Files.list(data.resolve("images/blobs/sha256"))) {
      assertEquals(0, layers.count(), "layers dir not empty");
      assertEquals(0, tmp.count(), "tmp dir not empty");
      assertEquals(0, blobs.count(), "blobs not empty");
    }
    assertTrue(s.list().isEmpty());
    try (Stream<Path> o = Files.list(outside)) {
      assertEquals(0, o.count(), "something was written outside");
    }
  }

  @Test
  void dotDotEscapeIsRejected() throws IOException {
    assertRejectedAndNothingKept(new TestTars().dir("a").file("a/../../x", "evil", 0644).build(), "escapes the root");
  }

  @Test
  void absolutePathIsRejected() throws IOException {
    assertRejectedAndNothingKept(new TestTars().file("/etc/x", "evil", 0644).build(), "absolute path");
  }

  @Test
  void writeThroughSymlinkIsRejected() throws IOException {
    byte[] tar = new TestTars().symlink("link", outside.toString()).file("link/pwned", "evil", 0644).build();
    assertRejectedAndNothingKept(tar, "symlink");
  }

  @Test
  void writeThroughRelativeSymlinkIsRejected() throws IOException {
    byte[] tar = new TestTars().dir("d").symlink("d/up", "../../../..").file("d/up/tmp/pwned", "evil", 0644).build();
    assertRejectedAndNothingKept(tar, "symlink");
  }

  @Test
  void hardLinkEscapeIsRejected() throws IOException {
    assertRejectedAndNothingKept(new TestTars().hardlink("passwd", "../../../etc/passwd").build(), "escapes the root");
  }

  @Test
  void hardLinkThroughSymlinkIsRejected() throws IOException {
    byte[] tar = new TestTars().symlink("etc", "/etc").hardlink("shadow", "etc/passwd").build();
    assertRejectedAndNothingKept(tar, "hard link");
  }

  @Test
  void garbageIsRejected() throws IOException {
    assertRejectedAndNothingKept("this is not a tar archive at all".repeat(40).getBytes(), "tar");
  }

  @Test
  void emptyStreamIsRejected() throws IOException {
    assertRejectedAndNothingKept(new byte[0], "no entries");
  }

  @Test
  void safeArchiveKeepsModesLinksAndSkipsDevices() throws IOException {
    byte[] tar = new TestTars().dir("bin").file("bin/tool", "#!/bin/sh\n", 04755).symlink("bin/alias", "tool")
        .symlink("abs", "/etc/passwd").hardlink("bin/tool2", "bin/tool").charDevice("null")
        .dir("sticky").file("./a/b/../c", "x", 0600).build();
    ImageStore s = store();
    var summary = s.importImage("ok:1", new ByteArrayInputStream(tar));
    Image img = s.resolve("ok:1").orElseThrow();
    assertEquals(summary.getId(), img.id());
    Path root = img.layerDirs().get(0);
    assertEquals(04755, (int) Files.getAttribute(root.resolve("bin/tool"), "unix:mode") & 07777);
    assertEquals(Path.of("tool"), Files.readSymbolicLink(root.resolve("bin/alias")));
    assertEquals(Path.of("/etc/passwd"), Files.readSymbolicLink(root.resolve("abs")));
    assertEquals(2, (int) Files.getAttribute(root.resolve("bin/tool"), "unix:nlink"));
    assertFalse(Files.exists(root.resolve("null"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isRegularFile(root.resolve("a/c")));
    assertEquals(java.util.List.of("PATH=" + ImageStore.DEFAULT_PATH.substring(5)), img.env());
    assertTrue(img.cmd().isEmpty());
    assertTrue(s.resolve(img.id()).isPresent());
    assertTrue(s.resolve(img.id().substring(7, 19)).isPresent());
    assertTrue(s.resolve("ok").isEmpty(), "ok means ok:latest");
  }

  @Test
  void sameLayerTwiceIsStoredOnce() throws IOException {
    byte[] tar = new TestTars().file("f", "x", 0644).build();
    ImageStore s = store();
    s.importImage("a", new ByteArrayInputStream(tar));
    s.importImage("b", new ByteArrayInputStream(tar));
    try (Stream<Path> layers = Files.list(data.resolve("images/layers"))) {
      assertEquals(1, layers.count());
    }
    s.remove("a", false);
    assertTrue(s.resolve("b").isPresent());
    s.remove("b", false);
    try (Stream<Path> layers = Files.list(data.resolve("images/layers"))) {
      assertEquals(0, layers.count());
    }
    assertThrows(NotFoundException.class, () -> s.remove("b", false));
  }

  @Test
  void gzipInputIsAccepted() throws IOException {
    byte[] tar = new TestTars().file("f", "x", 0644).build();
    var bytes = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write(tar);
    }
    ImageStore s = store();
    s.importImage("gz", new ByteArrayInputStream(bytes.toByteArray()));
    assertTrue(Files.isRegularFile(s.resolve("gz").orElseThrow().layerDirs().get(0).resolve("f")));
  }
}
