package io.jswarm.registry.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Crash-safe file writes: write a temporary file next to the target, fsync it, rename it over the
 * target and fsync the directory. After a crash a reader sees either the old or the new content,
 * never a torn one; stray temporaries start with {@value #TMP_PREFIX} and are ignored by readers.
 */
public final class AtomicFiles {
  public static final String TMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  public static void write(Path target, byte[] content) {
    try {
      Path dir = target.getParent();
      ensureDir(dir);
      Path tmp = dir.resolve(TMP_PREFIX + UUID.randomUUID());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      moveIntoPlace(tmp, target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Renames an already fsynced file to its final name and makes the rename durable. */
  public static void moveIntoPlace(Path fsyncedTmp, Path target) throws IOException {
    ensureDir(target.getParent());
    try {
      Files.move(fsyncedTmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the registry root must be on one file system", e);
    }
    fsyncDir(target.getParent());
  }

  /** Creates a directory and its missing parents, fsyncing each parent so the new entries survive a power loss. */
  public static void ensureDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      ensureDir(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return; // created concurrently
    }
    if (parent != null) {
      fsyncDir(parent);
    }
  }

  /** Deletes leftover temporaries (from a crash between write and rename) older than {@code cutoff}. */
  public static int purgeTemporaries(Path dir, java.nio.file.attribute.FileTime cutoff) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int[] n = {0};
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).forEach(p -> {
        try {
          if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0 && Files.deleteIfExists(p)) {
            n[0]++;
          }
        } catch (IOException e) {
          // gone already
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n[0];
  }

  public static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Reads a small file, or returns null when it does not exist. */
  public static byte[] readOrNull(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a file and makes the deletion durable; returns whether it existed. */
  public static boolean delete(Path p) {
    try {
      boolean existed = Files.deleteIfExists(p);
      if (existed) {
        fsyncDir(p.getParent());
      }
      return existed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
