package io.jswarm.store;

/** IPv4 CIDR arithmetic for the apply-time overlap check (no name lookups, no exceptions out). */
final class Cidrs {
  private Cidrs() {}

  static boolean overlap(String a, String b) {
    long[] x = range(a);
    long[] y = range(b);
    return x != null && y != null && x[0] <= y[1] && y[0] <= x[1];
  }

  /** [first, last] address of an IPv4 CIDR as unsigned ints, or null when malformed. */
  static long[] range(String cidr) {
    try {
      int slash = cidr.indexOf('/');
      int len = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
      String[] p = (slash < 0 ? cidr : cidr.substring(0, slash)).split("\\.");
      if (p.length != 4 || len < 0 || len > 32) return null;
      long ip = 0;
      for (String s : p) {
        int v = Integer.parseInt(s);
        if (v < 0 || v > 255) return null;
        ip = (ip << 8) | v;
      }
      long size = 1L << (32 - len);
      long first = ip & ~(size - 1) & 0xFFFFFFFFL;
      return new long[] {first, first + size - 1};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
