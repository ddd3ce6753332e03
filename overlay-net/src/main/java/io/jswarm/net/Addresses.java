package io.jswarm.net;

import java.util.regex.Pattern;

/**
 * Validation of the addresses we splice into ip/bridge/nft command text. Everything that reaches a
 * batch or an nft script passes through here first, so a malformed value from cluster state fails
 * loudly instead of turning into a different command.
 */
final class Addresses {
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

  private Addresses() {}

  static String ipv4(String s) {
    if (s == null || !IPV4.matcher(s).matches()) {
      throw new IllegalArgumentException("not an IPv4 address: " + s);
    }
    return s;
  }

  static String mac(String s) {
    String m = s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
    if (m == null || !MAC.matcher(m).matches()) {
      throw new IllegalArgumentException("not a MAC address: " + s);
    }
    return m;
  }

  static byte[] ipv4Bytes(String s) {
    String[] parts = ipv4(s).split("\\.");
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) Integer.parseInt(parts[i]);
    }
    return b;
  }

  /** The prefix length of a CIDR such as "10.0.1.0/24". */
  static int prefixLength(String cidr) {
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    ipv4(cidr.substring(0, slash));
    int len;
    try {
      len = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    if (len < 0 || len > 32) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    return len;
  }
}
