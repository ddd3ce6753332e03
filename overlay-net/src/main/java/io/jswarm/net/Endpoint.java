package io.jswarm.net;

import java.util.Locale;

/**
 * A container interface on another worker, as seen from this one.
 *
 * @param ip the container's overlay address
 * @param mac its MAC (lower-cased on construction)
 * @param hostIp the underlay address of the worker it runs on: the VXLAN tunnel endpoint
 */
public record Endpoint(String ip, String mac, String hostIp) {
  public Endpoint {
    Addresses.ipv4(ip);
    mac = Addresses.mac(mac);
    Addresses.ipv4(hostIp);
  }

  /** An endpoint whose MAC is derived from its address, the way every worker derives it. */
  public static Endpoint of(String ip, String hostIp) {
    return new Endpoint(ip, macFor(ip), hostIp);
  }

  /**
   * The Docker convention: 02:42 (locally administered, unicast) followed by the IPv4 address, so
   * any worker can compute a remote container's MAC from its address without asking anyone.
   */
  public static String macFor(String ipv4) {
    byte[] b = Addresses.ipv4Bytes(ipv4);
    return String.format(Locale.ROOT, "02:42:%02x:%02x:%02x:%02x", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff);
  }
}
