package io.jswarm.worker.net;

import io.jswarm.api.NetworkEndpoint;
import io.jswarm.api.NetworkView;
import io.jswarm.api.ServiceRecord;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Names on one network, as Docker's embedded DNS answers them: SERVICE is its virtual IP (VIP
 * mode) or its running tasks' addresses (dnsrr); tasks.SERVICE is always the running tasks'
 * addresses; aliases answer like their service. Only running (and healthy) tasks are answered.
 * Anything else is not ours and goes to the host's resolvers.
 */
final class NetworkDns {
  private NetworkDns() {}

  static Optional<List<Inet4Address>> lookup(Supplier<NetworkView> view, String name) {
    NetworkView v = view.get();
    if (v == null) return Optional.empty();
    String n = name.toLowerCase(Locale.ROOT);
    boolean tasks = n.startsWith("tasks.");
    String svcName = tasks ? n.substring("tasks.".length()) : n;
    for (ServiceRecord s : v.getServicesList()) {
      boolean match = s.getName().toLowerCase(Locale.ROOT).equals(svcName)
          || s.getAliasesList().stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).equals(svcName));
      if (!match) continue;
      if (!tasks && !s.getVip().isEmpty()) return Optional.of(List.of(ip(s.getVip())));
      List<Inet4Address> out = new ArrayList<>();
      for (NetworkEndpoint e : v.getEndpointsList()) {
        if (e.getServiceId().equals(s.getServiceId()) && e.getRunning()) out.add(ip(e.getIp()));
      }
      return Optional.of(out);
    }
    return Optional.empty();
  }

  private static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
