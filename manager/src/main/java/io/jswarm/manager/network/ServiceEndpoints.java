package io.jswarm.manager.network;

import io.jswarm.api.Endpoint;
import io.jswarm.api.EndpointSpec;
import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.NetworkMode;
import io.jswarm.api.PortConfig;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.VirtualIp;
import io.jswarm.net.ipam.Cidr;
import io.jswarm.net.ipam.Ipam;
import io.jswarm.store.Tx;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A service's network side, settled when it is created or updated: the networks it names
 * resolved to ids, a virtual IP on each (VIP mode), and its ingress ports (a free one from the
 * dynamic range when none was given). The ingress network is created on first use.
 */
public final class ServiceEndpoints {
  private ServiceEndpoints() {}

  /** Network names in the spec replaced by ids; unknown networks refused. */
  public static ServiceSpec resolveNetworks(StoreView v, ServiceSpec spec) {
    var task = spec.getTask();
    if (task.getNetworkMode() != NetworkMode.NETWORK_MODE_DEFAULT && task.getNetworksCount() > 0) {
      throw new IllegalArgumentException("--network host/none cannot be combined with overlay networks");
    }
    Map<String, NetworkAttachmentConfig> byId = new LinkedHashMap<>();
    for (NetworkAttachmentConfig a : task.getNetworksList()) {
      Network n = find(v, a.getTarget()).orElseThrow(() -> new IllegalArgumentException("network " + a.getTarget()
          + " not found: create it with \"jswarm network create -d overlay " + a.getTarget() + "\""));
      if (n.getSpec().getIngress()) {
        throw new IllegalArgumentException("the ingress network is attached by publishing a port (--publish), not with --network");
      }
      if (byId.containsKey(n.getId())) throw new IllegalArgumentException("network " + a.getTarget() + " is named twice");
      byId.put(n.getId(), a.toBuilder().setTarget(n.getId()).build());
    }
    for (PortConfig p : spec.getEndpointSpec().getPortsList()) {
      if (p.getTargetPort() < 1 || p.getTargetPort() > 65535) throw new IllegalArgumentException("target port " + p.getTargetPort() + " is not 1..65535");
      if (p.getPublishedPort() > 65535) throw new IllegalArgumentException("published port " + p.getPublishedPort() + " is not 1..65535");
      if (task.getNetworkMode() == NetworkMode.NETWORK_MODE_NONE) throw new IllegalArgumentException("a service with --network none cannot publish ports");
      if (task.getNetworkMode() == NetworkMode.NETWORK_MODE_HOST) throw new IllegalArgumentException("a service with --network host listens on the node's own ports; do not publish");
    }
    ServiceSpec.Builder b = spec.toBuilder();
    b.getTaskBuilder().clearNetworks().addAllNetworks(byId.values());
    return b.build();
  }

  static Optional<Network> find(StoreView v, String ref) {
    Optional<Network> n = v.network(ref);
    if (n.isPresent()) return n;
    n = v.networkByName(ref);
    if (n.isPresent()) return n;
    Network found = null;
    for (Network x : v.networks()) {
      if (x.getId().startsWith(ref)) {
        if (found != null) throw new IllegalArgumentException("network " + ref + " is ambiguous: more than one id starts with it");
        found = x;
      }
    }
    return Optional.ofNullable(found);
  }

  static boolean publishesIngress(ServiceSpec spec) {
    return spec.getEndpointSpec().getPortsList().stream().anyMatch(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS);
  }

  /**
   * The endpoint to store for the service with {@code spec}, keeping what {@code current}
   * already holds (a VIP does not change on update). Creates the ingress network if needed.
   */
  public static Endpoint allocate(Tx tx, String serviceId, Service current, ServiceSpec spec) {
    Endpoint old = current == null ? Endpoint.getDefaultInstance() : current.getEndpoint();
    Endpoint.Builder e = Endpoint.newBuilder();
    // Ports: ingress ones keep their published port, or get one from the dynamic range.
    Set<Integer> usedIngress = new HashSet<>();
    for (Service s : tx.services()) {
      if (s.getId().equals(serviceId)) continue;
      for (PortConfig p : s.getEndpoint().getPortsList()) {
        if (p.getPublishMode() == PortConfig.PublishMode.INGRESS) usedIngress.add(key(p.getProtocol(), p.getPublishedPort()));
      }
    }
    for (PortConfig p : spec.getEndpointSpec().getPortsList()) {
      if (p.getPublishMode() != PortConfig.PublishMode.INGRESS) {
        e.addPorts(p);
        continue;
      }
      int port = (int) p.getPublishedPort();
      if (port == 0) {
        port = old.getPortsList().stream().filter(o -> o.getPublishMode() == PortConfig.PublishMode.INGRESS
                && o.getTargetPort() == p.getTargetPort() && o.getProtocol() == p.getProtocol())
            .mapToInt(o -> (int) o.getPublishedPort()).findFirst().orElse(0);
        PortRange range = PortRange.of(tx);
        for (int c = range.lo(); port == 0 && c <= range.hi(); c++) {
          if (!usedIngress.contains(key(p.getProtocol(), c))) port = c;
        }
        if (port == 0) throw new IllegalArgumentException("no free port left in the dynamic range " + range
            + " (swarm update --dynamic-port-range widens it)");
      } else if (usedIngress.contains(key(p.getProtocol(), port))) {
        throw new IllegalArgumentException("port " + port + "/" + p.getProtocol().name().toLowerCase()
            + " is already published by another service (ingress ports are cluster-wide)");
      }
      if (!usedIngress.add(key(p.getProtocol(), port))) {
        throw new IllegalArgumentException("port " + port + "/" + p.getProtocol().name().toLowerCase() + " is published twice");
      }
      e.addPorts(p.toBuilder().setPublishedPort(port));
    }
    // Virtual IPs, one per network (the ingress one too), in VIP mode.
    List<String> nets = new ArrayList<>();
    for (NetworkAttachmentConfig a : spec.getTask().getNetworksList()) nets.add(a.getTarget());
    if (publishesIngress(spec)) nets.add(ingress(tx).getId());
    boolean vip = spec.getEndpointSpec().getMode() == EndpointSpec.Mode.VIP;
    for (String netId : nets) {
      if (!vip && !tx.network(netId).map(n -> n.getSpec().getIngress()).orElse(false)) continue;
      Optional<VirtualIp> kept = old.getVirtualIpsList().stream().filter(x -> x.getNetworkId().equals(netId)).findFirst();
      if (kept.isPresent()) {
        e.addVirtualIps(kept.get());
        continue;
      }
      Network n = tx.network(netId).orElseThrow();
      Cidr subnet = Cidr.parse(n.getSubnet());
      Set<Long> taken = TaskAddresses.taken(tx, netId);
      long ip = Ipam.nextAddress(subnet, taken, subnet.firstHost()).orElseThrow(() ->
          new IllegalArgumentException("network " + n.getSpec().getName() + " has no free address for a virtual IP"));
      e.addVirtualIps(VirtualIp.newBuilder().setNetworkId(netId).setAddr(Cidr.format(ip) + "/" + subnet.prefix()));
    }
    return e.build();
  }

  private static int key(PortConfig.Protocol p, long port) {
    return (int) port * 2 + p.getNumber();
  }

  /** The ingress network, created now when it does not exist. */
  public static Network ingress(Tx tx) {
    for (Network n : tx.networks()) if (n.getSpec().getIngress()) return n;
    Network n = Networks.allocate(tx, io.jswarm.manager.Ids.newId(), Networks.ingressSpec());
    tx.create(n);
    return tx.network(n.getId()).orElseThrow();
  }
}
