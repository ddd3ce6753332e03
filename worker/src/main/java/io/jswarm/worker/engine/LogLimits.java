package io.jswarm.worker.engine;

import java.util.Locale;
import java.util.Map;

/**
 * How much output a container keeps: at most {@code maxFiles} files (ctr.log and ctr.log.1 …
 * ctr.log.N-1) of at most {@code maxBytes} each, as Docker's json-file driver with
 * {@code --log-opt max-size/max-file}. The limits travel as container labels, so a restarted
 * daemon still knows them.
 */
public record LogLimits(long maxBytes, int maxFiles) {
  public static final String MAX_SIZE_LABEL = "io.jswarm.log.max-size";
  public static final String MAX_FILE_LABEL = "io.jswarm.log.max-file";
  /** Docker's "local" driver defaults: never unbounded. */
  public static final LogLimits DEFAULT = new LogLimits(20L << 20, 5);
  /** conmon needs room for one line's record beyond a tiny limit. */
  static final long MIN_BYTES = 4096;

  public LogLimits {
    if (maxBytes < MIN_BYTES) {
      throw new IllegalArgumentException("log max-size must be at least " + MIN_BYTES + " bytes");
    }
    if (maxFiles < 1 || maxFiles > 100) {
      throw new IllegalArgumentException("log max-file must be 1 to 100");
    }
  }

  /** The limits a container's labels give, the defaults for what they leave out. */
  public static LogLimits of(Map<String, String> labels) {
    String size = labels.get(MAX_SIZE_LABEL);
    String files = labels.get(MAX_FILE_LABEL);
    return new LogLimits(size == null ? DEFAULT.maxBytes : parseSize(size),
        files == null ? DEFAULT.maxFiles : parseCount(files));
  }

  /** Docker's size syntax: 1024, 10k, 20m, 1g (binary units). */
  public static long parseSize(String s) {
    String v = s.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (v.endsWith("b")) v = v.substring(0, v.length() - 1);
    char last = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
    switch (last) {
      case 'k' -> unit = 1L << 10;
      case 'm' -> unit = 1L << 20;
      case 'g' -> unit = 1L << 30;
      default -> { }
    }
    if (unit > 1) v = v.substring(0, v.length() - 1);
    try {
      return Math.multiplyExact(Long.parseLong(v), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("invalid log max-size \"" + s + "\": use a size such as 10m");
    }
  }

  private static int parseCount(String s) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid log max-file \"" + s + "\": use a number");
    }
  }
}
