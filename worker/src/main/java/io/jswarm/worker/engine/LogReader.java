package io.jswarm.worker.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a conmon CRI log: its rotated files (oldest first) and the live one; the last {@code tail}
 * lines are found by reading backwards from the end, so a tail of a large log costs what it
 * returns; following survives rotations (the old file is drained, then the new one opened).
 */
final class LogReader {
  private static final long POLL_MS = 100;
  private static final int BACK_CHUNK = 8192;

  private LogReader() {}

  /** One file of the log (rotated files first, the live one last). */
  static void read(Path file, boolean follow, long tail, BooleanSupplier exited, BooleanSupplier cancelled,
      Consumer<LogEntry> out) {
    read(List.of(file), follow, tail, exited, cancelled, out);
  }

  /**
   * @param files the log's files, oldest first; the last is the live one that is followed
   * @param exited true once the container has exited: following ends when it is true and the file
   *     has been read to its end after that
   */
  static void read(List<Path> files, boolean follow, long tail, BooleanSupplier exited, BooleanSupplier cancelled,
      Consumer<LogEntry> out) {
    Path live = files.get(files.size() - 1);
    try {
      long[] starts = new long[files.size()];
      if (tail >= 0) {
        long need = tail + 1; // start just after the (tail+1)-th whole line from the end
        for (int i = files.size() - 1; i >= 0; i--) {
          long[] r = startOfLast(files.get(i), need);
          starts[i] = r[0];
          need -= r[1];
          if (need <= 0) {
            for (int j = 0; j < i; j++) starts[j] = -1; // older files are not needed
            break;
          }
        }
      }
      CriLog.Assembler asm = new CriLog.Assembler();
      ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
      Deque<LogEntry> first = new ArrayDeque<>();
      Consumer<LogEntry> collect = e -> {
        first.addLast(e);
        if (tail >= 0 && first.size() > tail) first.removeFirst();
      };
      FileChannel ch = null;
      try {
        for (int i = 0; i < files.size(); i++) {
          if (starts[i] < 0 || !Files.exists(files.get(i))) continue;
          if (ch != null) ch.close();
          ch = FileChannel.open(files.get(i), StandardOpenOption.READ);
          ch.position(starts[i]);
          readAvailable(ch, partialLine, asm, collect);
        }
        for (LogEntry e : first) {
          if (cancelled.getAsBoolean()) return;
          out.accept(e);
        }
        if (!follow) return;
        Object key = ch == null ? null : fileKey(live);
        if (ch == null) {
          ch = FileChannel.open(live, StandardOpenOption.READ);
          key = fileKey(live);
        }
        while (!cancelled.getAsBoolean()) {
          boolean done = exited.getAsBoolean();
          int n = readAvailable(ch, partialLine, asm, out);
          if (n > 0) continue;
          Object now = fileKey(live);
          if (now != null && !now.equals(key)) { // rotated: the old file is drained, go on in the new one
            ch.close();
            ch = FileChannel.open(live, StandardOpenOption.READ);
            key = now;
            continue;
          }
          if (done) {
            asm.flush().forEach(out);
            return;
          }
          try {
            Thread.sleep(POLL_MS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      } finally {
        if (ch != null) ch.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read log " + live, e);
    }
  }

  private static Object fileKey(Path p) {
    try {
      return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Reads {@code file} backwards for up to {@code need} whole-line ends (records tagged F).
   *
   * @return {offset just after the need-th such line from the end (0 when there are fewer), how many were found}
   */
  static long[] startOfLast(Path file, long need) throws IOException {
    if (!Files.exists(file)) return new long[] {0, 0};
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = ch.size();
      long found = 0;
      ByteArrayOutputStream line = new ByteArrayOutputStream(); // reversed bytes of the line being scanned
      long pos = end;
      long lineEnd = end; // offset just after the newline that ends the line being scanned
      ByteBuffer buf = ByteBuffer.allocate(BACK_CHUNK);
      while (pos > 0) {
        int len = (int) Math.min(BACK_CHUNK, pos);
        pos -= len;
        buf.clear().limit(len);
        while (buf.hasRemaining()) {
          if (ch.read(buf, pos + buf.position()) < 0) break;
        }
        for (int i = len - 1; i >= 0; i--) {
          byte b = buf.get(i);
          if (b == '\n') {
            if (line.size() > 0 && isWholeLine(line.toByteArray())) {
              if (++found == need) return new long[] {lineEnd, found};
            }
            line.reset();
            lineEnd = pos + i + 1;
          } else {
            line.write(b);
          }
        }
      }
      if (line.size() > 0 && isWholeLine(line.toByteArray()) && ++found == need) {
        return new long[] {lineEnd, found};
      }
      return new long[] {0, found};
    }
  }

  /** A CRI line (given reversed) tagged F: "TIME STREAM F ...". */
  private static boolean isWholeLine(byte[] reversed) {
    byte[] l = new byte[reversed.length];
    for (int i = 0; i < l.length; i++) l[i] = reversed[l.length - 1 - i];
    return CriLog.parse(l).map(r -> !r.partial()).orElse(false);
  }

  /** Emits every complete record now in the file; returns the number of bytes read. */
  private static int readAvailable(FileChannel ch, ByteArrayOutputStream line, CriLog.Assembler asm,
      Consumer<LogEntry> out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    int total = 0;
    int n;
    while ((n = ch.read(buf)) > 0) {
      total += n;
      buf.flip();
      while (buf.hasRemaining()) {
        byte b = buf.get();
        if (b == '\n') {
          CriLog.parse(line.toByteArray()).flatMap(asm::add).ifPresent(out);
          line.reset();
        } else {
          line.write(b);
        }
      }
      buf.clear();
    }
    return total;
  }

  /** For callers that pass every file of a rotated log. */
  static List<Path> withRotated(Path log, int maxFiles) {
    List<Path> files = new ArrayList<>(LogRotation.files(log, maxFiles));
    if (files.isEmpty() || !files.get(files.size() - 1).equals(log)) files.add(log);
    return files;
  }
}
