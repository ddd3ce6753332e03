package io.jswarm.manager.network;

import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.Node;
import io.jswarm.api.Service;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.api.TaskStates;
import io.jswarm.api.VirtualIp;
import io.jswarm.net.ipam.Cidr;
import io.jswarm.net.ipam.Ipam;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The network allocator's own index: every address held on each network (gateways, the
 * attachments of unfinished tasks, services' virtual IPs, nodes' ingress legs), counted (two
 * holders of one address during a handover are two counts), maintained from watch events. It
 * replaces a scan of every task, service and node per network per scheduling pass
 * ({@link TaskAddresses#taken}, still the reference a rebuild is compared with).
 */
public final class AddressIndex {
  private final Map<String, TreeMap<Long, Integer>> held = new HashMap<>();

  public void reset(StoreView v) {
    held.clear();
    for (var n : v.networks()) contributions(StoreObject.newBuilder().setNetwork(n).build(), this::add);
    for (Task t : v.tasks()) contributions(StoreObject.newBuilder().setTask(t).build(), this::add);
    for (Service s : v.services()) contributions(StoreObject.newBuilder().setService(s).build(), this::add);
    for (Node n : v.nodes()) contributions(StoreObject.newBuilder().setNode(n).build(), this::add);
  }

  /** Whether an event can change what is held; others need not be applied. */
  public static boolean relevant(StoreEvent e) {
    var o = e.object();
    return o.hasNetwork() || o.hasTask() || o.hasService() || o.hasNode();
  }

  public void apply(StoreEvent e) {
    if (e.oldObject() != null) contributions(e.oldObject(), this::remove);
    if (e.newObject() != null) contributions(e.newObject(), this::add);
  }

  /** Whether {@code address} is held on {@code networkId}. */
  public boolean held(String networkId, long address) {
    TreeMap<Long, Integer> m = held.get(networkId);
    return m != null && m.containsKey(address);
  }

  /** The highest held address on the network (the allocator's cursor after a rebuild), or 0. */
  public long highest(String networkId) {
    TreeMap<Long, Integer> m = held.get(networkId);
    return m == null || m.isEmpty() ? 0 : m.lastKey();
  }

  /** The held addresses of one network, for comparing with {@link TaskAddresses#taken}. */
  public java.util.Set<Long> heldOn(String networkId) {
    TreeMap<Long, Integer> m = held.get(networkId);
    return m == null ? java.util.Set.of() : java.util.Set.copyOf(m.keySet());
  }

  /** Everything held, counted, for comparing a maintained index with a rebuilt one. */
  public Map<String, Map<Long, Integer>> snapshot() {
    Map<String, Map<Long, Integer>> out = new HashMap<>();
    held.forEach((k, v) -> out.put(k, Map.copyOf(v)));
    return out;
  }

  private static void contributions(StoreObject o, BiConsumer<String, Long> to) {
    if (o.hasNetwork()) {
      var n = o.getNetwork();
      if (!n.getGateway().isEmpty()) to.accept(n.getId(), Cidr.parseIp(n.getGateway()));
    } else if (o.hasTask()) {
      Task t = o.getTask();
      if (TaskStates.isTerminal(t.getStatus().getState())) return;
      for (NetworkAttachment a : t.getNetworksList()) to.accept(a.getNetworkId(), Ipam.addressOf(a.getAddress()));
    } else if (o.hasService()) {
      for (VirtualIp vip : o.getService().getEndpoint().getVirtualIpsList()) {
        to.accept(vip.getNetworkId(), Ipam.addressOf(vip.getAddr()));
      }
    } else if (o.hasNode()) {
      var in = o.getNode().getIngress();
      if (!in.getNetworkId().isEmpty()) to.accept(in.getNetworkId(), Ipam.addressOf(in.getAddress()));
    }
  }

  private void add(String net, long addr) {
    held.computeIfAbsent(net, k -> new TreeMap<>()).merge(addr, 1, Integer::sum);
  }

  private void remove(String net, long addr) {
    TreeMap<Long, Integer> m = held.get(net);
    if (m == null) return;
    m.computeIfPresent(addr, (k, c) -> c > 1 ? c - 1 : null);
    if (m.isEmpty()) held.remove(net);
  }
}
