package io.jswarm.net.ipam;

/**
 * An IPv4 subnet. Addresses are unsigned 32-bit values held in a long. Parsing is strict: the
 * user's {@code --subnet} and {@code --gateway} are checked here, with messages they can act on.
 */
public record Cidr(long base, int prefix) {
  public Cidr {
    if (prefix < 0 || prefix > 32) throw new IllegalArgumentException("prefix length " + prefix + " is not 0..32");
    base = base & mask(prefix);
  }

  public static Cidr parse(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) throw new IllegalArgumentException("\"" + s + "\" is not a subnet in CIDR form (like 10.0.9.0/24)");
    int prefix;
    try {
      prefix = Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + s + "\" has no valid prefix length");
    }
    if (prefix < 0 || prefix > 32) throw new IllegalArgumentException("\"" + s + "\": prefix length must be 0..32");
    long ip = parseIp(s.substring(0, slash));
    if ((ip & mask(prefix)) != ip) {
      throw new IllegalArgumentException("\"" + s + "\" has host bits set; did you mean " + format(ip & mask(prefix)) + "/" + prefix + "?");
    }
    return new Cidr(ip, prefix);
  }

  public static long parseIp(String s) {
    String[] p = s.split("\\.", -1);
    if (p.length != 4) throw new IllegalArgumentException("\"" + s + "\" is not an IPv4 address");
    long ip = 0;
    for (String part : p) {
      int v;
      try {
        v = Integer.parseInt(part);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + s + "\" is not an IPv4 address");
      }
      if (v < 0 || v > 255 || part.length() > 3) throw new IllegalArgumentException("\"" + s + "\" is not an IPv4 address");
      ip = (ip << 8) | v;
    }
    return ip;
  }

  public static String format(long ip) {
    return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
  }

  static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  public long size() {
    return 1L << (32 - prefix);
  }

  public long last() {
    return base + size() - 1;
  }

  public boolean contains(long ip) {
    return ip >= base && ip <= last();
  }

  public boolean overlaps(Cidr o) {
    return base <= o.last() && o.base <= last();
  }

  /** The first address a host may use (the network address is not one, except in a /31-/32). */
  public long firstHost() {
    return prefix >= 31 ? base : base + 1;
  }

  public long lastHost() {
    return prefix >= 31 ? last() : last() - 1;
  }

  @Override
  public String toString() {
    return format(base) + "/" + prefix;
  }
}
