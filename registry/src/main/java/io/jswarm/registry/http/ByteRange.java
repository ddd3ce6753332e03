package io.jswarm.registry.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range: bytes=…} request header: {@code a-b}, open {@code a-} or suffix
 * {@code -n}. Several ranges are not supported: the whole blob is served instead (RFC 9110 allows it).
 */
record ByteRange(long start, long end) {
  private static final Pattern ONE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  long length() {
    return end - start + 1;
  }

  /** The requested range within a blob of {@code size} bytes, or null to serve it whole; 416 when unsatisfiable. */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    Matcher m = ONE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return null;
    }
    long start;
    long end;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      if (suffix == 0 || size == 0) {
        throw unsatisfiable(size);
      }
      start = Math.max(0, size - suffix);
      end = size - 1;
    } else {
      start = Long.parseLong(m.group(1));
      end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
      if (start >= size || (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < start)) {
        throw unsatisfiable(size);
      }
    }
    return new ByteRange(start, end);
  }

  private static Unsatisfiable unsatisfiable(long size) {
    return new Unsatisfiable(size);
  }

  /** The range lies outside the blob: answer 416 with {@code Content-Range: bytes *}{@code /size}. */
  static final class Unsatisfiable extends RuntimeException {
    final long size;

    Unsatisfiable(long size) {
      super("requested range not satisfiable", null, false, false);
      this.size = size;
    }
  }
}
