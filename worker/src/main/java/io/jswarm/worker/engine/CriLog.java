package io.jswarm.worker.engine;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CRI log format conmon writes with {@code k8s-file}: one record per line,
 * {@code <RFC3339Nano time> <stdout|stderr> <P|F> <content>}, where P marks a partial line that
 * the next record of the same stream continues and F the end of a line.
 */
final class CriLog {
  /** One record of the file. */
  record Record(long timeNs, String stream, boolean partial, byte[] content) {}

  private CriLog() {}

  /** Parses one line (without its newline); empty for a line that is not a CRI record. */
  static Optional<Record> parse(byte[] line) {
    int s1 = indexOf(line, (byte) ' ', 0);
    int s2 = s1 < 0 ? -1 : indexOf(line, (byte) ' ', s1 + 1);
    if (s2 < 0) {
      return Optional.empty();
    }
    int s3 = indexOf(line, (byte) ' ', s2 + 1);
    int tagEnd = s3 < 0 ? line.length : s3;
    try {
      String ts = new String(line, 0, s1, StandardCharsets.US_ASCII);
      OffsetDateTime t = OffsetDateTime.parse(ts);
      long ns = t.toEpochSecond() * 1_000_000_000L + t.getNano();
      String stream = new String(line, s1 + 1, s2 - s1 - 1, StandardCharsets.US_ASCII);
      String tag = new String(line, s2 + 1, tagEnd - s2 - 1, StandardCharsets.US_ASCII);
      byte[] content = s3 < 0 ? new byte[0] : Arrays.copyOfRange(line, s3 + 1, line.length);
      return Optional.of(new Record(ns, stream, tag.startsWith("P"), content));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Joins partial records per stream into whole lines. */
  static final class Assembler {
    private final Map<String, java.io.ByteArrayOutputStream> pending = new HashMap<>();
    private final Map<String, Long> firstTime = new HashMap<>();

    /** Returns the completed line, or empty when {@code r} was a partial record. */
    Optional<LogEntry> add(Record r) {
      var buf = pending.computeIfAbsent(r.stream(), k -> new java.io.ByteArrayOutputStream());
      firstTime.putIfAbsent(r.stream(), r.timeNs());
      buf.writeBytes(r.content());
      if (r.partial()) {
        return Optional.empty();
      }
      long t = firstTime.remove(r.stream());
      pending.remove(r.stream());
      return Optional.of(new LogEntry(t, r.stream(), buf.toByteArray()));
    }

    /** Lines still partial when the file ends for good (the container died mid-line). */
    java.util.List<LogEntry> flush() {
      java.util.List<LogEntry> out = new java.util.ArrayList<>();
      pending.forEach((s, b) -> out.add(new LogEntry(firstTime.get(s), s, b.toByteArray())));
      pending.clear();
      firstTime.clear();
      return out;
    }
  }
}
