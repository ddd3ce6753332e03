package io.jswarm.cli.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock that says one daemon owns a data root or a socket path, as dockerd's pid file
 * and containerd's root lock do: an flock on {@code FILE} (held until the process ends, so a
 * kill -9 frees it) whose content is the holder's pid. A second daemon is refused in one line
 * naming that pid, before it touches Ratis's files or takes the socket over.
 */
final class DaemonLock implements AutoCloseable {
  /** A second daemon's start refused: the message is the one line the user sees. */
  static final class InUseException extends RuntimeException {
    InUseException(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private DaemonLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @param what how the refusal names the resource, e.g. "data root /var/lib/jswarm"
   * @throws InUseException another process (or another daemon in this JVM) holds it
   */
  static DaemonLock acquire(Path file, String what) throws IOException {
    Files.createDirectories(file.getParent());
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // a daemon in this same JVM (tests) holds it
    }
    if (l == null) {
      String holder = readPid(ch);
      ch.close();
      throw new InUseException(what + " is in use by another jswarm daemon (pid " + holder + "); stop it first,"
          + " or give this one its own " + (what.startsWith("data root") ? "--data-root" : "-H unix://SOCKET"));
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    ch.force(false);
    return new DaemonLock(ch, l);
  }

  private static String readPid(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
      return s.isEmpty() ? "unknown" : s;
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the process anyway
    }
  }
}
