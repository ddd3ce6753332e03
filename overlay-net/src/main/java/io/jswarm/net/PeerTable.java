package io.jswarm.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The static remote entries of one VXLAN device: FDB (MAC → tunnel endpoint) and neighbours
 * (IP → MAC, answered locally by the device's ARP proxy). Parses what the kernel holds and
 * computes the batch lines that turn it into the desired set, touching only what differs so that a
 * re-sync of an unchanged network costs two reads and no writes.
 *
 * @param fdb MAC → tunnel endpoints (a MAC may have several remotes in the kernel; we want one)
 * @param neigh IP → MAC
 */
record PeerTable(Map<String, Set<String>> fdb, Map<String, String> neigh) {

  /** The lines for one {@code bridge -batch} and one {@code ip -batch} run. */
  record Plan(List<String> bridgeLines, List<String> ipLines) {
    boolean isEmpty() {
      return bridgeLines.isEmpty() && ipLines.isEmpty();
    }
  }

  static PeerTable desired(Collection<Endpoint> endpoints) {
    Map<String, Set<String>> fdb = new TreeMap<>();
    Map<String, String> neigh = new TreeMap<>();
    // Duplicates (same MAC or IP twice) are resolved last-wins: cluster state briefly holding an old
    // and a new location of a container must still yield one entry, never two.
    for (Endpoint e : endpoints) {
      fdb.put(e.mac(), new TreeSet<>(Set.of(e.hostIp())));
      neigh.put(e.ip(), e.mac());
    }
    return new PeerTable(fdb, neigh);
  }

  /**
   * Parses {@code bridge fdb show dev VX} and {@code ip neigh show dev VX}. Only FDB entries with a
   * remote ("dst") are the device's own; the bridge's entry for the device's MAC is not ours.
   */
  static PeerTable parse(String fdbShow, String neighShow) {
    Map<String, Set<String>> fdb = new TreeMap<>();
    for (String line : fdbShow.split("\n")) {
      String[] f = line.trim().split("\\s+");
      String dst = after(f, "dst");
      if (f.length > 0 && dst != null && isMac(f[0])) {
        fdb.computeIfAbsent(f[0].toLowerCase(java.util.Locale.ROOT), k -> new TreeSet<>()).add(dst);
      }
    }
    Map<String, String> neigh = new TreeMap<>();
    for (String line : neighShow.split("\n")) {
      String[] f = line.trim().split("\\s+");
      String mac = after(f, "lladdr");
      if (f.length > 0 && mac != null && isMac(mac)) {
        neigh.put(f[0], mac.toLowerCase(java.util.Locale.ROOT));
      }
    }
    return new PeerTable(fdb, neigh);
  }

  /** Removals first, so a MAC that moved to another host never has two remotes at once. */
  Plan planTo(PeerTable want, String dev) {
    List<String> bridge = new ArrayList<>();
    List<String> ip = new ArrayList<>();
    fdb.forEach((mac, dsts) -> {
      Set<String> keep = want.fdb.getOrDefault(mac, Set.of());
      for (String dst : dsts) {
        if (!keep.contains(dst)) {
          bridge.add("fdb del " + mac + " dev " + dev + " dst " + dst + " self");
        }
      }
    });
    want.fdb.forEach((mac, dsts) -> {
      for (String dst : dsts) {
        if (!fdb.getOrDefault(mac, Set.of()).contains(dst)) {
          bridge.add("fdb replace " + mac + " dev " + dev + " dst " + dst + " self permanent");
        }
      }
    });
    neigh.forEach((addr, mac) -> {
      if (!want.neigh.containsKey(addr)) {
        ip.add("neigh del " + addr + " dev " + dev);
      }
    });
    want.neigh.forEach((addr, mac) -> {
      if (!mac.equals(neigh.get(addr))) {
        ip.add("neigh replace " + addr + " lladdr " + mac + " dev " + dev + " nud permanent");
      }
    });
    return new Plan(bridge, ip);
  }

  private static String after(String[] fields, String key) {
    for (int i = 0; i + 1 < fields.length; i++) {
      if (fields[i].equals(key)) {
        return fields[i + 1];
      }
    }
    return null;
  }

  private static boolean isMac(String s) {
    return s.length() == 17 && s.chars().filter(c -> c == ':').count() == 5;
  }
}
