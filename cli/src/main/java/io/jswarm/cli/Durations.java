package io.jswarm.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as Docker's flags take them: "10s", "500ms", "1m30s", "0s". */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Durations() {}

  public static long parseMillis(String s) {
    if (s == null || s.isEmpty()) throw new IllegalArgumentException("empty duration");
    if (s.equals("0")) return 0;
    Matcher m = PART.matcher(s);
    int pos = 0;
    double total = 0;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("invalid duration \"" + s + "\": use e.g. 10s, 500ms, 1m30s");
      }
      double v = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "ns" -> v / 1e6;
        case "us", "µs" -> v / 1e3;
        case "ms" -> v;
        case "s" -> v * 1e3;
        case "m" -> v * 60e3;
        default -> v * 3600e3;
      };
      pos = m.end();
    }
    return Math.round(total);
  }
}
