package io.jswarm.worker.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds tars for tests: a busybox rootfs, and hostile archives. */
public final class TestTars {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

  public TestTars() {
    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  public TestTars dir(String name) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    e.setMode(040755);
    return put(e, null);
  }

  public TestTars file(String name, String content, int mode) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  public TestTars file(String name, byte[] content, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    return put(e, content);
  }

  /** A file with PAX headers (e.g. {@code SCHILY.xattr.user.k} or {@code LIBARCHIVE.xattr.NAME} base64). */
  public TestTars fileWithPax(String name, byte[] content, int mode, java.util.Map<String, String> pax) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    pax.forEach(e::addPaxHeader);
    return put(e, content);
  }

  public TestTars symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    e.setMode(0120777);
    return put(e, null);
  }

  public TestTars hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    return put(e, null);
  }

  public TestTars charDevice(String name) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_CHR, true);
    e.setDevMajor(1);
    e.setDevMinor(3);
    return put(e, null);
  }

  private TestTars put(TarArchiveEntry e, byte[] content) {
    try {
      out.putArchiveEntry(e);
      if (content != null) {
        out.write(content);
      }
      out.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public byte[] build() {
    try {
      out.finish();
      out.close();
      return bytes.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** A rootfs with /bin/busybox and its applets sh, sleep, echo, cat, id, and a user "app" (1000:1000). */
  public static byte[] busybox() {
    try {
      TestTars t = new TestTars().dir("bin").dir("etc").dir("tmp")
          .file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755);
      for (String applet : new String[] {"sh", "sleep", "echo", "cat", "id", "ls", "true", "false", "hostname"}) {
        t.symlink("bin/" + applet, "busybox");
      }
      return t.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/tmp:/bin/sh\n", 0644)
          .file("etc/group", "root:x:0:\napp:x:1000:\n", 0644)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
