package io.jswarm.net;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VXLAN port admits only the underlay addresses of nodes that hold endpoints on a network
 * this worker has: anyone else could otherwise inject frames into an overlay by guessing a VNI.
 * One nft table per worker ({@code ip jswarm_vxlan_TAG}) in the underlay namespace, replaced whole
 * whenever the set of peer nodes changes; it matches only packets for this worker's own tunnel
 * address, so workers sharing one namespace in tests leave each other alone.
 */
final class VxlanGuard {
  private final String table;
  private final String underlayIp;
  private final int port;
  private final String underlayNetns;
  private final Map<Integer, Set<String>> peersByVni = new ConcurrentHashMap<>();
  private Set<String> applied;

  VxlanGuard(String tag, String underlayIp, int port, String underlayNetns) {
    this.table = "jswarm_vxlan_" + tag.replace('.', '_');
    this.underlayIp = underlayIp;
    this.port = port;
    this.underlayNetns = underlayNetns;
  }

  String table() {
    return table;
  }

  /** Records the nodes behind a network's remote endpoints and reprograms the table if the union changed. */
  synchronized void peers(int vni, Collection<String> hostIps) {
    if (hostIps == null) {
      peersByVni.remove(vni);
    } else {
      peersByVni.put(vni, new TreeSet<>(hostIps));
    }
    Set<String> all = new TreeSet<>();
    peersByVni.values().forEach(all::addAll);
    if (all.equals(applied)) return;
    IpCommands.Result r = IpCommands.nft(underlayNetns, script(table, underlayIp, port, all));
    if (!r.ok()) throw new NetException("cannot program the VXLAN guard " + table + ": " + r.err());
    applied = all;
  }

  static String script(String table, String underlayIp, int port, Set<String> peers) {
    String elements = peers.isEmpty() ? "" : " elements = { " + String.join(", ", peers) + " };";
    return String.join("\n",
        "table ip " + table + " {}",
        "delete table ip " + table,
        "table ip " + table + " {",
        "  set peers { type ipv4_addr;" + elements + " }",
        "  chain input {",
        "    type filter hook input priority filter; policy accept;",
        "    ip daddr " + underlayIp + " udp dport " + port + " ip saddr != @peers drop",
        "  }",
        "}",
        "");
  }
}
