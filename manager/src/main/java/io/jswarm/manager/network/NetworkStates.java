package io.jswarm.manager.network;

import io.jswarm.api.IngressService;
import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.NetworkEndpoint;
import io.jswarm.api.NetworkState;
import io.jswarm.api.NetworkView;
import io.jswarm.api.Node;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.PortConfig;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceRecord;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.VirtualIp;
import io.jswarm.net.ipam.Cidr;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a node must program for its networks: for each network one of its tasks is on (and the
 * ingress network when any service publishes an ingress port), every live endpoint with the
 * underlay address of its node, and the services' names and VIPs for DNS. Endpoints of nodes
 * that are DOWN are left out, so the other nodes drop their tunnel entries.
 */
public final class NetworkStates {
  private NetworkStates() {}

  public static NetworkState forNode(StoreView v, String nodeId) {
    NetworkState.Builder out = NetworkState.newBuilder();
    if (v.networks().isEmpty()) return out.build();
    TreeSet<String> nets = new TreeSet<>();
    for (Task t : v.tasksByNode(nodeId)) {
      if (!live(t)) continue;
      for (NetworkAttachment a : t.getNetworksList()) nets.add(a.getNetworkId());
    }
    Optional<Network> ingress = v.networks().stream().filter(n -> n.getSpec().getIngress()).findFirst();
    List<Service> services = v.services();
    List<Service> ingressServices = services.stream().filter(s -> s.getEndpoint().getPortsList().stream()
        .anyMatch(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS)).toList();
    Node self = v.node(nodeId).orElse(null);
    if (ingress.isPresent() && !ingressServices.isEmpty() && self != null && !self.getIngress().getAddress().isEmpty()) {
      nets.add(ingress.get().getId());
      out.setIngressAddress(self.getIngress().getAddress());
      for (Service s : ingressServices) {
        out.addIngress(IngressService.newBuilder().setServiceId(s.getId()).addAllPorts(s.getEndpoint().getPortsList().stream()
            .filter(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS).toList()));
      }
    }
    if (nets.isEmpty()) return out.build();
    Map<String, Node> nodes = new HashMap<>();
    for (Node n : v.nodes()) nodes.put(n.getId(), n);
    for (String netId : nets) {
      Network n = v.network(netId).orElse(null);
      if (n == null) continue;
      NetworkView.Builder view = NetworkView.newBuilder().setNetwork(n.toBuilder().clearMeta());
      List<NetworkEndpoint> eps = new ArrayList<>();
      for (Task t : v.tasks()) {
        if (!live(t)) continue;
        Node on = nodes.get(t.getNodeId());
        if (on == null || on.getStatus().getState() == NodeStatus.State.DOWN) continue;
        for (NetworkAttachment a : t.getNetworksList()) {
          if (!a.getNetworkId().equals(netId)) continue;
          eps.add(NetworkEndpoint.newBuilder().setTaskId(t.getId()).setNodeId(t.getNodeId())
              .setHostAddr(hostOf(on.getStatus().getAddr())).setIp(Cidr.format(io.jswarm.net.ipam.Ipam.addressOf(a.getAddress())))
              .setServiceId(t.getServiceId()).setSlot(t.getSlot()).addAllAliases(a.getAliasesList())
              .setRunning(t.getStatus().getState() == TaskState.RUNNING && t.getDesiredState() == TaskState.RUNNING)
              .build());
        }
      }
      // Nodes' own legs into the ingress network are endpoints too (the mesh forwards through them).
      if (n.getSpec().getIngress()) {
        for (Node x : nodes.values()) {
          if (x.getIngress().getNetworkId().equals(netId) && x.getStatus().getState() != NodeStatus.State.DOWN) {
            eps.add(NetworkEndpoint.newBuilder().setNodeId(x.getId()).setHostAddr(hostOf(x.getStatus().getAddr()))
                .setIp(Cidr.format(io.jswarm.net.ipam.Ipam.addressOf(x.getIngress().getAddress()))).build());
          }
        }
      }
      eps.sort((a, b) -> a.getIp().compareTo(b.getIp()));
      view.addAllEndpoints(eps);
      for (Service s : services) {
        boolean attached = false;
        List<String> aliases = List.of();
        for (NetworkAttachmentConfig c : s.getSpec().getTask().getNetworksList()) {
          if (c.getTarget().equals(netId)) {
            attached = true;
            aliases = c.getAliasesList();
          }
        }
        String vip = "";
        for (VirtualIp x : s.getEndpoint().getVirtualIpsList()) {
          if (x.getNetworkId().equals(netId)) {
            attached = true;
            vip = Cidr.format(io.jswarm.net.ipam.Ipam.addressOf(x.getAddr()));
          }
        }
        if (attached) {
          view.addServices(ServiceRecord.newBuilder().setServiceId(s.getId()).setName(s.getSpec().getName())
              .setVip(vip).addAllAliases(aliases));
        }
      }
      out.addNetworks(view);
    }
    return out.build();
  }

  /** Assigned and not finished: its container may exist, so its tunnel entries must. */
  static boolean live(Task t) {
    return !t.getNodeId().isEmpty() && !TaskStates.isTerminal(t.getStatus().getState())
        && t.getStatus().getState().getNumber() >= TaskState.ASSIGNED.getNumber();
  }

  static String hostOf(String addr) {
    int colon = addr.lastIndexOf(':');
    return colon > 0 ? addr.substring(0, colon) : addr;
  }
}
