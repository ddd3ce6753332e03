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
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import io.jswarm.api.VirtualIp;
import io.jswarm.net.ipam.Cidr;
import io.jswarm.net.ipam.Ipam;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each node must program for its networks, kept up to date from store events so that a
 * change costs the nodes on that network only what changed (see NetworkState in network.proto).
 *
 * <p>A node is on a network when one of its live tasks is attached to it, and on the ingress
 * network when some service publishes an ingress port and the node has an ingress address. A
 * network's view is every live endpoint with the underlay address of its node (endpoints of
 * DOWN nodes are left out, so the others drop their tunnel entries; a node's own leg into the
 * ingress network is an endpoint too) and the services attached to it, for DNS.
 *
 * <p>Not thread-safe: the dispatcher's loop owns it. {@link #apply} folds events in and records
 * what changed; {@link #takeChanges} hands the per-network deltas over once per batch, and
 * {@link #complete}/{@link #update} build one node's messages from them. Apart from the
 * per-node work, everything is proportional to what changed, never to the number of tasks.
 */
public final class NetworkStates {
  /** The key of a node's own leg into the ingress network (tasks are keyed by their id). */
  public static String nodeKey(String nodeId) {
    return "node:" + nodeId;
  }

  private final Map<String, Network> networks = new HashMap<>();
  private final Map<String, Service> services = new HashMap<>();
  private final Map<String, Node> nodes = new HashMap<>();
  /** Live tasks with network attachments, and their ids per node. */
  private final Map<String, Task> tasks = new HashMap<>();
  private final Map<String, Set<String>> tasksOnNode = new HashMap<>();
  /** network → endpoint key → endpoint; network → service id → record. */
  private final Map<String, Map<String, NetworkEndpoint>> endpoints = new HashMap<>();
  private final Map<String, Map<String, ServiceRecord>> records = new HashMap<>();
  /** node → network → number of its live tasks attached there. */
  private final Map<String, Map<String, Integer>> nodeNets = new HashMap<>();
  private final Map<String, Set<String>> serviceNets = new HashMap<>();
  private final TreeMap<String, IngressService> ingressServices = new TreeMap<>();
  private String ingressId;

  // what changed since the last takeChanges()
  private final Map<String, Set<String>> dirtyEndpoints = new HashMap<>();
  private final Map<String, Set<String>> dirtyRecords = new HashMap<>();
  private final Set<String> dirtyNetworks = new HashSet<>();

  /** The per-network deltas of one batch: the same message for every node on the network. */
  public record Changes(Map<String, NetworkView> views) {
    public boolean isEmpty() {
      return views.isEmpty();
    }
  }

  /** What one node was last sent: which networks, and its ingress part. */
  public static final class Sent {
    public Sent() {}

    final Set<String> networks = new HashSet<>();
    String ingressAddress = "";
    List<IngressService> ingress = List.of();
  }

  public static NetworkStates of(StoreView v) {
    NetworkStates s = new NetworkStates();
    for (Network n : v.networks()) s.putNetwork(n);
    for (Node n : v.nodes()) s.putNode(n);
    for (Service x : v.services()) s.putService(x);
    for (Task t : v.tasks()) s.putTask(t.getId(), t);
    s.takeChanges();
    return s;
  }

  /** Folds one store event in. */
  public void apply(StoreEvent e) {
    StoreObject o = e.object();
    boolean gone = e.kind() == StoreEvent.Kind.DELETE;
    if (o.hasTask()) {
      putTask(o.getTask().getId(), gone ? null : o.getTask());
    } else if (o.hasNode()) {
      if (gone) removeNode(o.getNode().getId());
      else putNode(o.getNode());
    } else if (o.hasService()) {
      if (gone) removeService(o.getService().getId());
      else putService(o.getService());
    } else if (o.hasNetwork()) {
      if (gone) removeNetwork(o.getNetwork().getId());
      else putNetwork(o.getNetwork());
    }
  }

  // ------------------------------------------------------------ index upkeep

  private void putTask(String id, Task t) {
    Task old = tasks.remove(id);
    Task now = t != null && live(t) && t.getNetworksCount() > 0 ? t : null;
    if (old != null) {
      for (NetworkAttachment a : old.getNetworksList()) countNet(old.getNodeId(), a.getNetworkId(), -1);
      Set<String> on = tasksOnNode.get(old.getNodeId());
      if (on != null && on.remove(id) && on.isEmpty()) tasksOnNode.remove(old.getNodeId());
    }
    Set<String> nowNets = new HashSet<>();
    if (now != null) {
      tasks.put(id, now);
      tasksOnNode.computeIfAbsent(now.getNodeId(), k -> new HashSet<>()).add(id);
      for (NetworkAttachment a : now.getNetworksList()) {
        countNet(now.getNodeId(), a.getNetworkId(), 1);
        nowNets.add(a.getNetworkId());
      }
      // replaced in place: an endpoint that comes out the same (a status-only change) is not dirty
      refreshTaskEndpoints(now);
    }
    if (old != null) {
      for (NetworkAttachment a : old.getNetworksList()) {
        if (!nowNets.contains(a.getNetworkId())) removeEndpoint(a.getNetworkId(), id);
      }
    }
  }

  private void refreshTaskEndpoints(Task t) {
    Node on = nodes.get(t.getNodeId());
    for (NetworkAttachment a : t.getNetworksList()) {
      if (on == null || on.getStatus().getState() == NodeStatus.State.DOWN) {
        removeEndpoint(a.getNetworkId(), t.getId());
        continue;
      }
      putEndpoint(a.getNetworkId(), t.getId(), NetworkEndpoint.newBuilder().setTaskId(t.getId()).setNodeId(t.getNodeId())
          .setHostAddr(hostOf(on.getStatus().getAddr())).setIp(Cidr.format(Ipam.addressOf(a.getAddress())))
          .setServiceId(t.getServiceId()).setSlot(t.getSlot()).addAllAliases(a.getAliasesList())
          .setRunning(t.getStatus().getState() == TaskState.RUNNING && t.getDesiredState() == TaskState.RUNNING)
          .build());
    }
  }

  private void countNet(String nodeId, String netId, int by) {
    Map<String, Integer> m = nodeNets.computeIfAbsent(nodeId, k -> new HashMap<>());
    int n = m.getOrDefault(netId, 0) + by;
    if (n <= 0) m.remove(netId);
    else m.put(netId, n);
    if (m.isEmpty()) nodeNets.remove(nodeId);
  }

  private void putNode(Node n) {
    Node old = nodes.put(n.getId(), n);
    boolean moved = old == null || old.getStatus().getState() != n.getStatus().getState()
        || !old.getStatus().getAddr().equals(n.getStatus().getAddr());
    if (moved) {
      for (String id : tasksOnNode.getOrDefault(n.getId(), Set.of())) refreshTaskEndpoints(tasks.get(id));
    }
    if (moved || old == null || !old.getIngress().equals(n.getIngress())) {
      String was = old == null ? "" : old.getIngress().getNetworkId();
      if (!was.isEmpty() && !was.equals(n.getIngress().getNetworkId())) removeEndpoint(was, nodeKey(n.getId()));
      refreshLeg(n);
    }
  }

  private void removeNode(String id) {
    Node old = nodes.remove(id);
    if (old != null && !old.getIngress().getNetworkId().isEmpty()) removeEndpoint(old.getIngress().getNetworkId(), nodeKey(id));
    for (String t : tasksOnNode.getOrDefault(id, Set.of())) refreshTaskEndpoints(tasks.get(t));
  }

  /** A node's own leg into the ingress network (the mesh forwards through it). */
  private void refreshLeg(Node x) {
    String net = x.getIngress().getNetworkId();
    if (net.isEmpty()) return;
    Network n = networks.get(net);
    if (n == null || !n.getSpec().getIngress() || x.getStatus().getState() == NodeStatus.State.DOWN
        || x.getIngress().getAddress().isEmpty()) {
      removeEndpoint(net, nodeKey(x.getId()));
      return;
    }
    putEndpoint(net, nodeKey(x.getId()), NetworkEndpoint.newBuilder().setNodeId(x.getId())
        .setHostAddr(hostOf(x.getStatus().getAddr())).setIp(Cidr.format(Ipam.addressOf(x.getIngress().getAddress()))).build());
  }

  private void putService(Service s) {
    Map<String, ServiceRecord> now = new HashMap<>();
    for (NetworkAttachmentConfig c : s.getSpec().getTask().getNetworksList()) {
      ServiceRecord.Builder r = now.containsKey(c.getTarget()) ? now.get(c.getTarget()).toBuilder() : record(s);
      now.put(c.getTarget(), r.clearAliases().addAllAliases(c.getAliasesList()).build());
    }
    for (VirtualIp x : s.getEndpoint().getVirtualIpsList()) {
      ServiceRecord.Builder r = now.containsKey(x.getNetworkId()) ? now.get(x.getNetworkId()).toBuilder() : record(s);
      now.put(x.getNetworkId(), r.setVip(Cidr.format(Ipam.addressOf(x.getAddr()))).build());
    }
    Set<String> before = serviceNets.getOrDefault(s.getId(), Set.of());
    for (String net : before) {
      if (!now.containsKey(net)) removeRecord(net, s.getId());
    }
    now.forEach((net, r) -> putRecord(net, s.getId(), r));
    if (now.isEmpty()) serviceNets.remove(s.getId());
    else serviceNets.put(s.getId(), new HashSet<>(now.keySet()));
    services.put(s.getId(), s);
    List<PortConfig> ingressPorts = s.getEndpoint().getPortsList().stream()
        .filter(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS).toList();
    if (ingressPorts.isEmpty()) ingressServices.remove(s.getId());
    else ingressServices.put(s.getId(), IngressService.newBuilder().setServiceId(s.getId()).addAllPorts(ingressPorts).build());
  }

  private static ServiceRecord.Builder record(Service s) {
    return ServiceRecord.newBuilder().setServiceId(s.getId()).setName(s.getSpec().getName());
  }

  private void removeService(String id) {
    services.remove(id);
    for (String net : serviceNets.getOrDefault(id, Set.of())) removeRecord(net, id);
    serviceNets.remove(id);
    ingressServices.remove(id);
  }

  private void putNetwork(Network n) {
    Network old = networks.put(n.getId(), n);
    if (old == null || !old.equals(n)) dirtyNetworks.add(n.getId());
    if (n.getSpec().getIngress() && ingressId == null) {
      ingressId = n.getId();
      for (Node x : nodes.values()) refreshLeg(x);
    }
  }

  private void removeNetwork(String id) {
    networks.remove(id);
    if (id.equals(ingressId)) ingressId = null;
    endpoints.remove(id);
    records.remove(id);
    dirtyEndpoints.remove(id);
    dirtyRecords.remove(id);
    dirtyNetworks.remove(id);
  }

  private void putEndpoint(String net, String key, NetworkEndpoint ep) {
    NetworkEndpoint old = endpoints.computeIfAbsent(net, k -> new HashMap<>()).put(key, ep);
    if (!ep.equals(old)) dirtyEndpoints.computeIfAbsent(net, k -> new HashSet<>()).add(key);
  }

  private void removeEndpoint(String net, String key) {
    Map<String, NetworkEndpoint> m = endpoints.get(net);
    if (m != null && m.remove(key) != null) dirtyEndpoints.computeIfAbsent(net, k -> new HashSet<>()).add(key);
  }

  private void putRecord(String net, String svc, ServiceRecord r) {
    ServiceRecord old = records.computeIfAbsent(net, k -> new HashMap<>()).put(svc, r);
    if (!r.equals(old)) dirtyRecords.computeIfAbsent(net, k -> new HashSet<>()).add(svc);
  }

  private void removeRecord(String net, String svc) {
    Map<String, ServiceRecord> m = records.get(net);
    if (m != null && m.remove(svc) != null) dirtyRecords.computeIfAbsent(net, k -> new HashSet<>()).add(svc);
  }

  // ------------------------------------------------------------ what nodes are sent

  /** The networks node {@code nodeId} is on. */
  public Set<String> networksOf(String nodeId) {
    Set<String> out = new TreeSet<>();
    for (String net : nodeNets.getOrDefault(nodeId, Map.of()).keySet()) {
      if (networks.containsKey(net)) out.add(net);
    }
    if (onIngress(nodeId)) out.add(ingressId);
    return out;
  }

  private boolean onIngress(String nodeId) {
    Node self = nodes.get(nodeId);
    return ingressId != null && networks.containsKey(ingressId) && !ingressServices.isEmpty()
        && self != null && !self.getIngress().getAddress().isEmpty();
  }

  /** The deltas of every network that changed since the last call, each built once. */
  public Changes takeChanges() {
    Set<String> nets = new HashSet<>(dirtyNetworks);
    nets.addAll(dirtyEndpoints.keySet());
    nets.addAll(dirtyRecords.keySet());
    Map<String, NetworkView> views = new HashMap<>();
    for (String net : nets) {
      Network n = networks.get(net);
      if (n == null) continue;
      NetworkView.Builder v = NetworkView.newBuilder().setNetwork(n.toBuilder().clearMeta());
      Map<String, NetworkEndpoint> eps = endpoints.getOrDefault(net, Map.of());
      for (String key : new TreeSet<>(dirtyEndpoints.getOrDefault(net, Set.of()))) {
        NetworkEndpoint ep = eps.get(key);
        if (ep != null) v.addEndpoints(ep);
        else v.addRemovedEndpoints(key);
      }
      Map<String, ServiceRecord> recs = records.getOrDefault(net, Map.of());
      for (String svc : new TreeSet<>(dirtyRecords.getOrDefault(net, Set.of()))) {
        ServiceRecord r = recs.get(svc);
        if (r != null) v.addServices(r);
        else v.addRemovedServices(svc);
      }
      views.put(net, v.build());
    }
    dirtyNetworks.clear();
    dirtyEndpoints.clear();
    dirtyRecords.clear();
    return new Changes(views);
  }

  /** The whole view of one network. */
  NetworkView view(String net) {
    Network n = networks.get(net);
    List<NetworkEndpoint> eps = new ArrayList<>(endpoints.getOrDefault(net, Map.of()).values());
    eps.sort(Comparator.comparing(NetworkEndpoint::getIp));
    List<ServiceRecord> recs = new ArrayList<>(records.getOrDefault(net, Map.of()).values());
    recs.sort(Comparator.comparing(ServiceRecord::getServiceId));
    return NetworkView.newBuilder().setNetwork(n.toBuilder().clearMeta()).setComplete(true)
        .addAllEndpoints(eps).addAllServices(recs).build();
  }

  /** Everything node {@code nodeId} must program; {@code sent} now records it. */
  public NetworkState complete(String nodeId, Sent sent) {
    NetworkState.Builder out = NetworkState.newBuilder().setType(NetworkState.Type.COMPLETE);
    sent.networks.clear();
    for (String net : networksOf(nodeId)) {
      out.addNetworks(view(net));
      sent.networks.add(net);
    }
    ingress(nodeId, sent, out);
    return out.build();
  }

  /**
   * What node {@code nodeId} must change after a batch: views of networks it joined, deltas of
   * networks it stays on, networks it left, its ingress part when that changed; empty when
   * nothing changed for it. {@code sent} is updated to match.
   */
  public java.util.Optional<NetworkState> update(String nodeId, Sent sent, Changes changes) {
    NetworkState.Builder out = NetworkState.newBuilder().setType(NetworkState.Type.INCREMENTAL);
    Set<String> now = networksOf(nodeId);
    for (String net : new TreeSet<>(sent.networks)) {
      if (!now.contains(net)) {
        out.addRemovedNetworks(net);
        sent.networks.remove(net);
      }
    }
    for (String net : now) {
      if (sent.networks.add(net)) out.addNetworks(view(net));
      else if (changes.views().containsKey(net)) out.addNetworks(changes.views().get(net));
    }
    String addr = sent.ingressAddress;
    List<IngressService> ing = sent.ingress;
    ingress(nodeId, sent, NetworkState.newBuilder());
    if (!addr.equals(sent.ingressAddress) || !ing.equals(sent.ingress)) {
      out.setIngressChanged(true).setIngressAddress(sent.ingressAddress).addAllIngress(sent.ingress);
    }
    if (out.getNetworksCount() == 0 && out.getRemovedNetworksCount() == 0 && !out.getIngressChanged()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(out.build());
  }

  private void ingress(String nodeId, Sent sent, NetworkState.Builder out) {
    if (onIngress(nodeId)) {
      sent.ingressAddress = nodes.get(nodeId).getIngress().getAddress();
      sent.ingress = List.copyOf(ingressServices.values());
    } else {
      sent.ingressAddress = "";
      sent.ingress = List.of();
    }
    out.setIngressAddress(sent.ingressAddress).addAllIngress(sent.ingress);
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

  /** Number of endpoints held (tests). */
  int endpointCount(String net) {
    return Objects.requireNonNullElse(endpoints.get(net), Map.of()).size();
  }
}
