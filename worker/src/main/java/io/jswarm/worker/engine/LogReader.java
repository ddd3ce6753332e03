package io.jswarm.worker.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Reads a conmon CRI log file: the last {@code tail} lines, then optionally follows it. */
final class LogReader {
  private static final long POLL_MS = 100;

  private LogReader() {}

  /**
   * @param exited true once the container has exited: following ends when it is true and the file
   *     has been read to its end after that
   */
  static void read(Path file, boolean follow, long tail, BooleanSupplier exited, BooleanSupplier cancelled,
      Consumer<LogEntry> out) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      CriLog.Assembler asm = new CriLog.Assembler();
      ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
      Deque<LogEntry> first = new ArrayDeque<>();
      readAvailable(ch, partialLine, asm, e -> {
        first.addLast(e);
        if (tail >= 0 && first.size() > tail) {
          first.removeFirst();
        }
      });
      for (LogEntry e : first) {
        if (cancelled.getAsBoolean()) {
          return;
        }
        out.accept(e);
      }
      if (!follow) {
        return;
      }
      while (!cancelled.getAsBoolean()) {
        boolean done = exited.getAsBoolean();
        int n = readAvailable(ch, partialLine, asm, out);
        if (n == 0) {
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
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read log " + file, e);
    }
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
}
