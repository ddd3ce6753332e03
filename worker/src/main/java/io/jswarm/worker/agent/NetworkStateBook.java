package io.jswarm.worker.agent;

import io.jswarm.api.IngressService;
import io.jswarm.api.Network;
import io.jswarm.api.NetworkEndpoint;
import io.jswarm.api.NetworkState;
import io.jswarm.api.NetworkView;
import io.jswarm.api.ServiceRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * This node's network state as the dispatcher streams it: complete at the start of every
 * session, then deltas of endpoints and service records (see NetworkState in network.proto).
 * It hands the node's networking the whole state each time, as before deltas existed.
 */
final class NetworkStateBook {
  /** Endpoint key as the dispatcher keys them: the task id, or "node:" + id for an ingress leg. */
  static String key(NetworkEndpoint e) {
    return e.getTaskId().isEmpty() ? "node:" + e.getNodeId() : e.getTaskId();
  }

  private static final class View {
    Network network;
    final Map<String, NetworkEndpoint> endpoints = new HashMap<>();
    final Map<String, ServiceRecord> services = new HashMap<>();
  }

  private final TreeMap<String, View> views = new TreeMap<>();
  private String ingressAddress = "";
  private List<IngressService> ingress = List.of();
  private boolean complete;

  synchronized void sessionStarted() {
    complete = false;
  }

  /** Applies one message; the whole state after it, or empty when it could not be applied. */
  synchronized Optional<NetworkState> apply(NetworkState s) {
    boolean whole = s.getType() == NetworkState.Type.COMPLETE;
    if (whole) {
      views.clear();
      complete = true;
    } else if (!complete) {
      return Optional.empty();
    }
    for (String net : s.getRemovedNetworksList()) views.remove(net);
    for (NetworkView v : s.getNetworksList()) {
      String id = v.getNetwork().getId();
      View mine = whole || v.getComplete() ? new View() : views.computeIfAbsent(id, k -> new View());
      views.put(id, mine);
      mine.network = v.getNetwork();
      for (String k : v.getRemovedEndpointsList()) mine.endpoints.remove(k);
      for (String k : v.getRemovedServicesList()) mine.services.remove(k);
      for (NetworkEndpoint e : v.getEndpointsList()) mine.endpoints.put(key(e), e);
      for (ServiceRecord r : v.getServicesList()) mine.services.put(r.getServiceId(), r);
    }
    if (whole || s.getIngressChanged()) {
      ingressAddress = s.getIngressAddress();
      ingress = List.copyOf(s.getIngressList());
    }
    NetworkState.Builder out = NetworkState.newBuilder().setIngressAddress(ingressAddress).addAllIngress(ingress);
    for (View v : views.values()) {
      List<NetworkEndpoint> eps = new ArrayList<>(v.endpoints.values());
      eps.sort(Comparator.comparing(NetworkEndpoint::getIp));
      List<ServiceRecord> recs = new ArrayList<>(v.services.values());
      recs.sort(Comparator.comparing(ServiceRecord::getServiceId));
      out.addNetworks(NetworkView.newBuilder().setNetwork(v.network).setComplete(true).addAllEndpoints(eps).addAllServices(recs));
    }
    return Optional.of(out.build());
  }
}
