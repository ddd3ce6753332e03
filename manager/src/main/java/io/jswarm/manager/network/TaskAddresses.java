package io.jswarm.manager.network;

import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.Network;
import io.jswarm.api.Node;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskStates;
import io.jswarm.api.VirtualIp;
import io.jswarm.net.ipam.Cidr;
import io.jswarm.net.ipam.Ipam;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Addresses for tasks as the scheduler places them: over the allocator's {@link AddressIndex}
 * (what live tasks, virtual IPs, gateways and node ingress legs hold, kept from watch events),
 * plus what this pass has handed out, never one that is held. A freed address comes back only
 * after the rest of the subnet was used once (see {@link Ipam#nextAddress}).
 */
public final class TaskAddresses {
  private final StoreView view;
  private final AddressIndex index;
  private final Map<String, Set<Long>> taken = new HashMap<>();
  private final Map<String, Long> cursor = new HashMap<>();

  public TaskAddresses(StoreView view, AddressIndex index) {
    this.view = view;
    this.index = index;
  }

  /** Every address held on {@code networkId}, the gateway included: a scan of the whole state. */
  static Set<Long> taken(StoreView v, String networkId) {
    Set<Long> out = new HashSet<>();
    v.network(networkId).ifPresent(n -> out.add(Cidr.parseIp(n.getGateway())));
    for (Task t : v.tasks()) {
      if (TaskStates.isTerminal(t.getStatus().getState())) continue;
      for (NetworkAttachment a : t.getNetworksList()) {
        if (a.getNetworkId().equals(networkId)) out.add(Ipam.addressOf(a.getAddress()));
      }
    }
    for (Service s : v.services()) {
      for (VirtualIp vip : s.getEndpoint().getVirtualIpsList()) {
        if (vip.getNetworkId().equals(networkId)) out.add(Ipam.addressOf(vip.getAddr()));
      }
    }
    for (Node n : v.nodes()) {
      if (n.getIngress().getNetworkId().equals(networkId)) out.add(Ipam.addressOf(n.getIngress().getAddress()));
    }
    return out;
  }

  /** Held per the index, or handed out in this pass (only {@code contains} is asked). */
  private Set<Long> takenOn(String networkId) {
    return taken.computeIfAbsent(networkId, id -> {
      cursor.put(id, index.highest(id));
      return new HashSet<>() {
        @Override
        public boolean contains(Object o) {
          return super.contains(o) || (o instanceof Long x && index.held(id, x));
        }
      };
    });
  }

  /** An address on {@code networkId} ("10.0.1.5/24"), or empty when the subnet is full. */
  public Optional<String> next(String networkId) {
    Network n = view.network(networkId).orElse(null);
    if (n == null) return Optional.empty();
    Cidr subnet = Cidr.parse(n.getSubnet());
    Set<Long> t = takenOn(networkId);
    Optional<Long> ip = Ipam.nextAddress(subnet, t, cursor.getOrDefault(networkId, 0L));
    ip.ifPresent(x -> {
      t.add(x);
      cursor.put(networkId, x);
    });
    return ip.map(x -> Cidr.format(x) + "/" + subnet.prefix());
  }

  /**
   * The attachments for a task of {@code svc} (its networks, plus ingress when it publishes
   * ingress ports), or an error saying which network is full.
   */
  public Result attach(Task t, Service svc) {
    List<String> nets = new ArrayList<>();
    List<List<String>> aliases = new ArrayList<>();
    for (NetworkAttachmentConfig a : t.getSpec().getNetworksList()) {
      nets.add(a.getTarget());
      aliases.add(a.getAliasesList());
    }
    if (svc != null) {
      for (VirtualIp v : svc.getEndpoint().getVirtualIpsList()) {
        boolean ingress = view.network(v.getNetworkId()).map(n -> n.getSpec().getIngress()).orElse(false);
        if (ingress && !nets.contains(v.getNetworkId())) {
          nets.add(v.getNetworkId());
          aliases.add(List.of());
        }
      }
    }
    List<NetworkAttachment> out = new ArrayList<>();
    for (int i = 0; i < nets.size(); i++) {
      String id = nets.get(i);
      Optional<String> addr = next(id);
      if (addr.isEmpty()) {
        String name = view.network(id).map(n -> n.getSpec().getName()).orElse(id);
        return new Result(List.of(), "network " + name + " has no free address");
      }
      out.add(NetworkAttachment.newBuilder().setNetworkId(id).setAddress(addr.get()).addAllAliases(aliases.get(i)).build());
    }
    return new Result(out, null);
  }

  public record Result(List<NetworkAttachment> attachments, String error) {}
}
