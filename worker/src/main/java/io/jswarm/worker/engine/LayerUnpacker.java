package io.jswarm.worker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one untrusted layer tar into an empty directory without ever writing outside it.
 *
 * <p>Rules: entry names are relative and normalized, a name that is absolute or climbs out with
 * {@code ..} is rejected; every parent directory of an entry must be a real directory inside the
 * root, so a symlink entry can never be written through; hard links must name a file already
 * unpacked inside the root; device nodes and FIFOs are skipped (a container gets its /dev from
 * the runtime); mode (setuid/setgid/sticky included), owner and mtime are kept, directories' last
 * so that writing into them is not disturbed; PAX xattrs ({@code SCHILY.xattr.*}, e.g.
 * {@code security.capability}) are set last, after chown would have cleared them. The caller unpacks into a temp dir and renames it
 * when this returns, so a rejected archive leaves nothing half-done.
 */
final class LayerUnpacker {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private final boolean root = "root".equals(System.getProperty("user.name"));

  /** What one unpack wrote: bytes of regular-file content and the dirs marked opaque. */
  record Result(long size, List<String> opaqueDirs) {}

  /** Returns the number of bytes of regular-file content written; whiteouts are dropped. */
  long unpack(InputStream tar, Path dest) throws IOException {
    return unpack(tar, dest, false).size();
  }

  /**
   * Unpacks a layer. With {@code whiteouts}, an OCI whiteout {@code .wh.NAME} becomes the overlayfs
   * form (a 0/0 character device NAME) and {@code .wh..wh..opq} marks its directory opaque: such
   * dirs are returned for the caller, who knows the layers below (see {@link Whiteouts}).
   */
  Result unpack(InputStream tar, Path dest, boolean whiteouts) throws IOException {
    long size = 0;
    List<String> opaque = new ArrayList<>();
    int entries = 0;
    Deque<Object[]> dirMeta = new ArrayDeque<>();
    Counting counted = new Counting(tar);
    TarArchiveInputStream in = new TarArchiveInputStream(counted);
    TarArchiveEntry e;
    while ((e = nextEntry(in)) != null) {
      entries++;
      String rel = safeRelative(e.getName());
      if (rel.isEmpty()) {
        if (e.isDirectory()) {
          dirMeta.push(new Object[] {dest, e});
        }
        continue;
      }
      if (isWhiteout(rel)) {
        // A single imported layer has nothing below it to hide.
        if (whiteouts) {
          whiteout(dest, rel, opaque);
        }
        continue;
      }
      Path target = dest.resolve(rel);
      ensureParents(dest, rel);
      if (e.isDirectory()) {
        if (Files.isSymbolicLink(target) || (Files.exists(target, NOFOLLOW) && !Files.isDirectory(target, NOFOLLOW))) {
          Files.delete(target);
        }
        if (!Files.exists(target, NOFOLLOW)) {
          Files.createDirectory(target);
        }
        dirMeta.push(new Object[] {target, e});
        continue;
      }
      if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        continue;
      }
      replaceNonDirectory(target, rel);
      if (e.isSymbolicLink()) {
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        applyOwnerAndTime(target, e);
        PaxXattrs.apply(target, e, root);
      } else if (e.isLink()) {
        String linkRel = safeRelative(e.getLinkName());
        if (linkRel.isEmpty()) {
          throw new InvalidArchiveException("hard link " + e.getName() + " points at the root");
        }
        ensureInsideExisting(dest, linkRel, e);
        Files.createLink(target, dest.resolve(linkRel));
      } else if (e.isFile()) {
        try (OutputStream out =
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW)) {
          size += copy(in, out, e.getName());
        }
        applyMeta(target, e);
        PaxXattrs.apply(target, e, root); // after chown, which clears security.capability
      } else {
        // pax/gnu headers are consumed by the stream; anything else unknown is skipped
        continue;
      }
    }
    // An empty layer (Docker's 1024 zero bytes, diff_id sha256:5f70bf18...) is only the end
    // marker: valid, it unpacks as nothing. A stream with not even one record is no tar.
    if (entries == 0 && counted.count() < 512) {
      throw new InvalidArchiveException("not a tar archive: no entries found");
    }
    // drain padding so that a digest over the whole stream is complete
    in.transferTo(OutputStream.nullOutputStream());
    while (!dirMeta.isEmpty()) {
      Object[] d = dirMeta.pop();
      applyMeta((Path) d[0], (TarArchiveEntry) d[1]);
      PaxXattrs.apply((Path) d[0], (TarArchiveEntry) d[1], root);
    }
    return new Result(size, List.copyOf(opaque));
  }

  /** Counts bytes read (no digest: the caller's stream already has one). */
  private static final class Counting extends java.io.FilterInputStream {
    private long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }

    long count() {
      return count;
    }
  }

  private static void whiteout(Path dest, String rel, List<String> opaque) throws IOException {
    int slash = rel.lastIndexOf('/');
    String dir = slash < 0 ? "" : rel.substring(0, slash);
    String base = rel.substring(slash + 1);
    if (!dir.isEmpty()) {
      ensureParents(dest, rel);
      Path d = dest.resolve(dir);
      if (Files.isSymbolicLink(d) || !Files.isDirectory(d, NOFOLLOW)) {
        Files.deleteIfExists(d);
        Files.createDirectory(d);
      }
    }
    if (base.equals(Whiteouts.OPAQUE)) {
      opaque.add(dir);
      return;
    }
    String name = base.substring(Whiteouts.PREFIX.length());
    if (name.isEmpty() || name.startsWith(Whiteouts.PREFIX) || name.equals(".") || name.equals("..")) {
      return; // aufs bookkeeping (.wh..wh.plnk and the like): nothing to apply
    }
    Path target = dir.isEmpty() ? dest.resolve(name) : dest.resolve(dir).resolve(name);
    replaceNonDirectory(target, rel);
    Whiteouts.createDeviceWhiteout(target);
  }

  /** Copies an entry's content; a read failure is the archive's fault (truncated, corrupt). */
  private static long copy(InputStream in, OutputStream out, String name) throws IOException {
    byte[] buf = new byte[65536];
    long total = 0;
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException ex) {
        if (String.valueOf(ex.getMessage()).startsWith("upload aborted")) {
          throw ex;
        }
        throw new InvalidArchiveException("corrupt or truncated tar at " + name + ": " + ex.getMessage(), ex);
      }
      if (n < 0) {
        return total;
      }
      out.write(buf, 0, n);
      total += n;
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream in) {
    try {
      return in.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidArchiveException("not a valid tar archive: " + e.getMessage(), e);
    }
  }

  /** The normalized relative name, "" for the root itself; rejects absolute and escaping names. */
  static String safeRelative(String name) {
    if (name.startsWith("/")) {
      throw new InvalidArchiveException("archive entry has an absolute path: " + name);
    }
    List<String> parts = new ArrayList<>();
    for (String p : name.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (parts.isEmpty()) {
          throw new InvalidArchiveException("archive entry escapes the root: " + name);
        }
        parts.remove(parts.size() - 1);
        continue;
      }
      if (p.indexOf('\0') >= 0) {
        throw new InvalidArchiveException("archive entry has a NUL in its name: " + name);
      }
      parts.add(p);
    }
    return String.join("/", parts);
  }

  private static boolean isWhiteout(String rel) {
    String base = rel.substring(rel.lastIndexOf('/') + 1);
    return base.startsWith(".wh.");
  }

  /** Creates missing parents; fails if any existing parent is a symlink or not a directory. */
  private static void ensureParents(Path dest, String rel) throws IOException {
    Path cur = dest;
    String[] parts = rel.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      cur = cur.resolve(parts[i]);
      if (Files.isSymbolicLink(cur)) {
        throw new InvalidArchiveException(
            "archive entry " + rel + " would be written through the symlink " + String.join("/", java.util.Arrays.copyOf(parts, i + 1)));
      }
      if (!Files.exists(cur, NOFOLLOW)) {
        Files.createDirectory(cur);
      } else if (!Files.isDirectory(cur, NOFOLLOW)) {
        throw new InvalidArchiveException("archive entry " + rel + " has a non-directory parent");
      }
    }
  }

  private static void ensureInsideExisting(Path dest, String linkRel, TarArchiveEntry e) throws IOException {
    Path cur = dest;
    String[] parts = linkRel.split("/");
    for (int i = 0; i < parts.length; i++) {
      cur = cur.resolve(parts[i]);
      boolean last = i == parts.length - 1;
      if (!last && (Files.isSymbolicLink(cur) || !Files.isDirectory(cur, NOFOLLOW))) {
        throw new InvalidArchiveException("hard link " + e.getName() + " goes through a symlink or missing dir: " + linkRel);
      }
      if (last && (!Files.exists(cur, NOFOLLOW) || Files.isDirectory(cur, NOFOLLOW))) {
        throw new InvalidArchiveException("hard link " + e.getName() + " points at a missing file: " + linkRel);
      }
    }
  }

  private static void replaceNonDirectory(Path target, String rel) throws IOException {
    if (Files.isDirectory(target, NOFOLLOW)) {
      FileTrees.deleteRecursively(target);
    } else {
      Files.deleteIfExists(target);
    }
  }

  private void applyMeta(Path p, TarArchiveEntry e) throws IOException {
    applyOwnerAndTime(p, e);
    // after chown, which clears setuid/setgid
    Files.setAttribute(p, "unix:mode", e.getMode() & 07777, NOFOLLOW);
  }

  private void applyOwnerAndTime(Path p, TarArchiveEntry e) throws IOException {
    try {
      Files.setAttribute(p, "unix:uid", (int) e.getLongUserId(), NOFOLLOW);
      Files.setAttribute(p, "unix:gid", (int) e.getLongGroupId(), NOFOLLOW);
    } catch (IOException ex) {
      if (root) {
        throw ex;
      }
    }
    try {
      Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, NOFOLLOW)
          .setTimes(FileTime.from(e.getModTime().toInstant()), null, null);
    } catch (IOException ignored) {
      // some filesystems cannot set a symlink's time; not worth failing an import for
    }
  }
}
