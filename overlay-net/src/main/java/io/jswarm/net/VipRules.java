package io.jswarm.net;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Client-side service load balancing: inside each container's namespace, connections to a
 * service's virtual IP are DNATed to one of its tasks, round robin, all ports. Doing it in the
 * client's own namespace (as Docker does with IPVS in each container sandbox) keeps the choice local:
 * no extra hop, and a task's replies come straight back to the connection's real owner.
 *
 * <p>The table is replaced in one nft transaction, so a container never sees a half-updated set.
 */
public final class VipRules {
  static final String TABLE = "jswarm_vip";

  private VipRules() {}

  /**
   * Makes the container's VIP rules exactly {@code vips}; an empty map removes the table.
   *
   * @param containerNetnsName name under /run/netns (or a namespace file path)
   * @param vips VIP → backend task IPs; a VIP with no backends rejects connections at once
   *     rather than letting them time out
   */
  public static void apply(String containerNetnsName, Map<String, List<String>> vips) {
    IpCommands.Result r = IpCommands.nft(containerNetnsName, script(vips));
    if (!r.ok()) {
      throw new NetException(r.err().strip());
    }
  }

  /** The table as nft lists it, or empty when the namespace has none. */
  public static Optional<String> ruleset(String containerNetnsName) {
    IpCommands.Result r = IpCommands.nftCommand(containerNetnsName, "list", "table", "ip", TABLE);
    return r.ok() ? Optional.of(r.out()) : Optional.empty();
  }

  /**
   * The nft script. Declaring the table before deleting it makes the delete valid whether or not
   * the table exists, so the whole replace is one transaction with no "does it exist" probe.
   */
  static String script(Map<String, List<String>> vips) {
    StringBuilder s = new StringBuilder();
    s.append("table ip ").append(TABLE).append('\n');
    s.append("delete table ip ").append(TABLE).append('\n');
    if (vips.isEmpty()) {
      return s.toString();
    }
    Map<String, List<String>> sorted = new TreeMap<>(vips);
    s.append("table ip ").append(TABLE).append(" {\n");
    // Priority -100 (dstnat) on output: nft 1.0.6 accepts the name only on prerouting.
    s.append("  chain output {\n    type nat hook output priority -100; policy accept;\n");
    sorted.forEach((vip, backends) -> {
      Addresses.ipv4(vip);
      if (backends.isEmpty()) {
        return;
      }
      s.append("    ip daddr ").append(vip).append(" dnat to numgen inc mod ").append(backends.size()).append(" map { ");
      for (int i = 0; i < backends.size(); i++) {
        s.append(i == 0 ? "" : ", ").append(i).append(" : ").append(Addresses.ipv4(backends.get(i)));
      }
      s.append(" }\n");
    });
    s.append("  }\n");
    // After nat, so only VIPs that were not rewritten reach these rules: a TCP reset (or ICMP
    // port-unreachable for other protocols) makes the client fail at once.
    s.append("  chain no_backends {\n    type filter hook output priority 0; policy accept;\n");
    sorted.forEach((vip, backends) -> {
      if (backends.isEmpty()) {
        s.append("    ip daddr ").append(vip).append(" ip protocol tcp reject with tcp reset\n");
        s.append("    ip daddr ").append(vip).append(" reject\n");
      }
    });
    s.append("  }\n}\n");
    return s.toString();
  }
}
