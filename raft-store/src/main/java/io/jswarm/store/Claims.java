package io.jswarm.store;

import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.PortConfig;
import io.jswarm.api.StoreObject;
import io.jswarm.api.TaskStates;
import io.jswarm.api.VirtualIp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Things only one object may hold at a time: an address on a network, a VNI, a network name, a
 * host port on a node, an ingress port. Checked when a batch is applied, on every replica, so
 * that no allocator bug, race between managers or failover can ever hand the same address out
 * twice: the second write is rejected and its writer re-reads and picks again.
 *
 * <p>A task holds its addresses and host ports until it is observed finished; then they are free
 * for reuse even though the record stays for history.
 */
final class Claims {
  private final Map<String, String> owners = new HashMap<>();
  // Network id -> allocated subnet, for the overlap check (subnets are few: a linear scan).
  // Sorted: the overlap reported must be the same on every replica, whatever its map's history.
  private final Map<String, String> subnets = new TreeMap<>();

  static List<String> of(StoreObject o) {
    List<String> out = new ArrayList<>();
    switch (o.getObjectCase()) {
      case TASK -> {
        var t = o.getTask();
        if (TaskStates.isTerminal(t.getStatus().getState())) break;
        for (NetworkAttachment a : t.getNetworksList()) out.add(address(a.getNetworkId(), a.getAddress()));
        if (!t.getNodeId().isEmpty()) {
          for (PortConfig p : t.getPortsList()) {
            if (p.getPublishedPort() != 0) out.add("host port " + p.getProtocol().name().toLowerCase() + "/"
                + p.getPublishedPort() + " on node " + t.getNodeId());
          }
        }
      }
      case SERVICE -> {
        var s = o.getService();
        for (VirtualIp v : s.getEndpoint().getVirtualIpsList()) out.add(address(v.getNetworkId(), v.getAddr()));
        for (PortConfig p : s.getEndpoint().getPortsList()) {
          if (p.getPublishMode() == PortConfig.PublishMode.INGRESS && p.getPublishedPort() != 0) {
            out.add("ingress port " + p.getProtocol().name().toLowerCase() + "/" + p.getPublishedPort());
          }
        }
      }
      case NODE -> {
        var a = o.getNode().getIngress();
        if (!a.getAddress().isEmpty()) out.add(address(a.getNetworkId(), a.getAddress()));
      }
      case NETWORK -> {
        Network n = o.getNetwork();
        out.add("network name \"" + n.getSpec().getName() + "\"");
        if (n.getVni() != 0) out.add("VNI " + n.getVni());
      }
      default -> { }
    }
    return out;
  }

  private static String address(String networkId, String cidr) {
    int slash = cidr.indexOf('/');
    return "address " + (slash < 0 ? cidr : cidr.substring(0, slash)) + " on network " + networkId;
  }

  /** Why {@code o} may not be stored as it is, or null. */
  String clash(StoreObject o) {
    String me = StoreObjects.describe(o);
    for (String c : of(o)) {
      String holder = owners.get(c);
      if (holder != null && !holder.equals(me)) return c + " is held by " + holder;
    }
    if (o.hasNetwork() && !o.getNetwork().getSubnet().isEmpty()) {
      for (Map.Entry<String, String> e : subnets.entrySet()) {
        if (!e.getKey().equals(o.getNetwork().getId()) && Cidrs.overlap(e.getValue(), o.getNetwork().getSubnet())) {
          return "subnet " + o.getNetwork().getSubnet() + " overlaps " + e.getValue() + " of network " + e.getKey();
        }
      }
    }
    return null;
  }

  void add(StoreObject o) {
    String me = StoreObjects.describe(o);
    for (String c : of(o)) owners.put(c, me);
    if (o.hasNetwork() && !o.getNetwork().getSubnet().isEmpty()) subnets.put(o.getNetwork().getId(), o.getNetwork().getSubnet());
  }

  /**
   * A live task or a service holding an address on {@code networkId}, or null. (Nodes' ingress
   * addresses do not count: they are the mesh's, not a user of the network.) A scan: network
   * deletes are rare.
   */
  String addressHolderOn(String networkId) {
    String suffix = " on network " + networkId;
    String first = null; // the smallest, not the first met: hash order differs between replicas
    for (Map.Entry<String, String> e : owners.entrySet()) {
      if (e.getKey().startsWith("address ") && e.getKey().endsWith(suffix)
          && (e.getValue().startsWith("task ") || e.getValue().startsWith("service "))
          && (first == null || e.getValue().compareTo(first) < 0)) {
        first = e.getValue();
      }
    }
    return first;
  }

  void clear() {
    owners.clear();
    subnets.clear();
  }

  /** Claim → holder, for the state digest. */
  Map<String, String> owners() {
    return owners;
  }

  /** Network id → subnet, for the state digest. */
  Map<String, String> subnets() {
    return subnets;
  }

  void remove(StoreObject o) {
    String me = StoreObjects.describe(o);
    for (String c : of(o)) owners.remove(c, me);
    if (o.hasNetwork()) subnets.remove(o.getNetwork().getId());
  }
}
