package io.jswarm.worker.net;

import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkEndpoint;
import io.jswarm.api.NetworkMode;
import io.jswarm.api.NetworkState;
import io.jswarm.api.NetworkView;
import io.jswarm.api.PortConfig;
import io.jswarm.api.ServiceRecord;
import io.jswarm.api.Task;
import io.jswarm.net.DnsServer;
import io.jswarm.net.Endpoint;
import io.jswarm.net.Netns;
import io.jswarm.net.NetnsSockets;
import io.jswarm.net.NetworkConfig;
import io.jswarm.net.OverlayDataPath;
import io.jswarm.net.VipRules;
import io.jswarm.api.IngressService;
import io.jswarm.net.ports.HostPort;
import io.jswarm.net.ports.IngressPort;
import io.jswarm.net.ports.IngressSandbox;
import io.jswarm.net.ports.LocalBridge;
import io.jswarm.net.ports.PortRules;
import io.jswarm.worker.agent.TaskNetworking;
import io.jswarm.worker.engine.MountSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's networking: each task gets a named network namespace with a leg on the node-local
 * bridge (outbound NAT, host-mode ports) and one on each overlay it joins; the overlays' tunnel
 * entries, DNS answers and VIP rules follow the network state the dispatcher streams.
 *
 * <p>What was wired for a task is written under the data root (the task record), so a restarted
 * daemon knows which namespaces, sandboxes and ports are its own and re-applies the state on top
 * of what the kernel kept, without tearing down running containers.
 */
public final class TaskNetworks implements TaskNetworking, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskNetworks.class);
  static final long WAIT_FOR_STATE_MS = 15_000;

  private final String tag;
  private final String selfNodeId;
  private final Path dir;
  private final OverlayDataPath overlay;
  private final LocalBridge bridge;
  private final PortRules ports = new PortRules();
  private final IngressSandbox ingressLeg = new IngressSandbox();
  private final String ingressIf;
  /** What the ingress leg was last wired as (sandbox, address, MTU); null when it is down. */
  private String ingressLegWired;
  private boolean ingressChecked;
  private List<Object> appliedPorts;
  private final Map<String, Task> wired = new ConcurrentHashMap<>();
  private final Map<String, DnsServer> dns = new ConcurrentHashMap<>();
  private final Object stateLock = new Object();
  private volatile NetworkState state;
  private boolean bridgeReady;

  /**
   * @param tag short prefix, unique among the daemons sharing this machine's /run/netns
   * @param underlayIp this node's address on the underlay (the VXLAN tunnel end)
   * @param bridgeName the node-local bridge, or null for none (tasks then get no outbound NAT and
   *     cannot publish host-mode ports)
   * @param dir where per-task files (resolv.conf, hosts, the wired task) live
   */
  public TaskNetworks(String tag, String selfNodeId, String underlayIp, int vxlanPort, String bridgeName,
      String bridgeSubnet, Path dir) {
    this.tag = tag;
    this.selfNodeId = selfNodeId;
    this.dir = dir;
    this.overlay = new OverlayDataPath(tag, underlayIp, vxlanPort);
    this.bridge = bridgeName == null ? null : new LocalBridge(bridgeName, bridgeSubnet);
    this.ingressIf = tag + "-ig";
    load();
  }

  String nsName(String taskId) {
    return tag + "-" + taskId;
  }

  // ------------------------------------------------------------------ prepare / release

  @Override
  public Prepared prepare(Task t) throws Exception {
    NetworkMode mode = t.getSpec().getNetworkMode();
    if (mode == NetworkMode.NETWORK_MODE_HOST) {
      return new Prepared("/proc/" + ProcessHandle.current().pid() + "/ns/net", List.of());
    }
    if (mode == NetworkMode.NETWORK_MODE_NONE) return Prepared.NONE;
    if (bridge == null) {
      if (t.getPortsCount() > 0) {
        throw new IllegalStateException("host-mode ports need the node-local bridge, and this daemon runs with --bridge none");
      }
      if (t.getNetworksCount() == 0) return Prepared.NONE; // a fresh, empty namespace from runc
    }
    Map<String, NetworkView> views = awaitNetworks(t);
    synchronized (this) {
      String ns = nsName(t.getId());
      Path path = Netns.create(ns);
      String bridgeIp = null;
      String nameserver = null;
      if (bridge != null) {
        ensureBridge();
        bridgeIp = bridge.allocations().containsKey(t.getId()) ? bridge.allocations().get(t.getId()) : bridge.allocate(t.getId());
        bridge.attach(path, ns, "eth0", bridgeIp, Endpoint.macFor(bridgeIp));
        nameserver = bridge.gateway();
      }
      int i = bridge != null ? 1 : 0;
      for (NetworkAttachment a : t.getNetworksList()) {
        NetworkView v = views.get(a.getNetworkId());
        if (v.getNetwork().getSpec().getOptionsMap().containsKey("encrypted")) {
          // Managers refuse such networks; one stored by an older release must still not carry plaintext.
          throw new IllegalStateException("network " + v.getNetwork().getSpec().getName()
              + " asks for encryption, which jswarm does not implement yet; refusing to send its traffic in plaintext");
        }
        NetworkConfig cfg = config(v);
        ensureNetwork(cfg);
        String ip = address(a.getAddress());
        overlay.attach(cfg, path, "eth" + i++, ip, Endpoint.macFor(ip), false);
        if (nameserver == null || bridge != null && nameserver.equals(bridge.gateway())) nameserver = cfg.gateway();
      }
      wired.put(t.getId(), t);
      save(t);
      try {
        applyPorts(state);
      } catch (RuntimeException e) {
        wired.remove(t.getId());
        throw e;
      }
      applyVips(t, state);
      syncAll(state);
      Path files = dir.resolve(t.getId());
      Files.createDirectories(files);
      Files.writeString(files.resolve("resolv.conf"), DnsServer.resolvConf(nameserver), StandardCharsets.UTF_8);
      Files.writeString(files.resolve("hosts"), hosts(t, bridgeIp), StandardCharsets.UTF_8);
      return new Prepared(path.toString(), List.of(
          new MountSpec(MountSpec.Kind.BIND, files.resolve("resolv.conf").toString(), "/etc/resolv.conf", true, 0),
          new MountSpec(MountSpec.Kind.BIND, files.resolve("hosts").toString(), "/etc/hosts", true, 0)));
    }
  }

  private static String hosts(Task t, String bridgeIp) {
    StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    String host = t.getSpec().getContainer().getHostname().isEmpty() ? t.getId().substring(0, Math.min(12, t.getId().length()))
        : t.getSpec().getContainer().getHostname();
    String ip = t.getNetworksCount() > 0 ? address(t.getNetworks(0).getAddress()) : bridgeIp;
    if (ip != null) b.append(ip).append('\t').append(host).append('\n');
    return b.toString();
  }

  /** Blocks (bounded) until the dispatcher's state names every network the task joins. */
  private Map<String, NetworkView> awaitNetworks(Task t) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_FOR_STATE_MS;
    synchronized (stateLock) {
      while (true) {
        Map<String, NetworkView> views = new HashMap<>();
        NetworkState s = state;
        if (s != null) for (NetworkView v : s.getNetworksList()) views.put(v.getNetwork().getId(), v);
        List<String> missing = t.getNetworksList().stream().map(NetworkAttachment::getNetworkId)
            .filter(id -> !views.containsKey(id)).toList();
        if (missing.isEmpty()) return views;
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) throw new IllegalStateException("no state from the managers for network(s) " + missing);
        stateLock.wait(left);
      }
    }
  }

  @Override
  public synchronized void release(String taskId) {
    Task t = wired.remove(taskId);
    String ns = nsName(taskId);
    try {
      if (t != null) {
        applyPorts(state);
        NetworkState s = state;
        for (NetworkAttachment a : t.getNetworksList()) {
          view(s, a.getNetworkId()).ifPresent(v -> overlay.detach(config(v), ns));
        }
      }
      if (Netns.exists(ns)) {
        if (bridge != null) bridge.detach(ns);
        Netns.delete(ns);
      }
    } catch (RuntimeException e) {
      LOG.warn("unwiring task {} failed", taskId, e);
    } finally {
      if (bridge != null) bridge.release(taskId);
      deleteFiles(taskId);
    }
    dropUnusedSandboxes(state);
  }

  @Override
  public synchronized void collect(Set<String> containerIds, Set<String> busy) {
    for (String id : List.copyOf(wired.keySet())) {
      if (!containerIds.contains(id) && !busy.contains(id)) release(id);
    }
    for (String ns : Netns.list(tag + "-")) {
      String id = ns.substring(tag.length() + 1);
      if (id.startsWith("n") && id.matches("n\\d+")) continue; // a network sandbox
      if (!wired.containsKey(id) && !containerIds.contains(id) && !busy.contains(id)) {
        LOG.info("removing leftover network namespace {}", ns);
        release(id);
      }
    }
  }

  // ------------------------------------------------------------------ state from the managers

  @Override
  public void onNetworkState(NetworkState s) {
    synchronized (stateLock) {
      state = s;
      stateLock.notifyAll();
    }
    synchronized (this) {
      syncAll(s);
      for (Task t : wired.values()) applyVips(t, s);
      try {
        syncIngress(s);
        applyPorts(s);
      } catch (RuntimeException e) {
        LOG.warn("programming the routing mesh failed", e);
      }
      dropUnusedSandboxes(s);
    }
  }

  /** Tunnel entries of every network a wired task is on: all endpoints not on this node. */
  private void syncAll(NetworkState s) {
    if (s == null) return;
    Set<String> used = usedNetworks();
    ingressView(s).ifPresent(v -> used.add(v.getNetwork().getId()));
    for (NetworkView v : s.getNetworksList()) {
      if (!used.contains(v.getNetwork().getId())) continue;
      NetworkConfig cfg = config(v);
      ensureNetwork(cfg);
      List<Endpoint> remote = new ArrayList<>();
      for (NetworkEndpoint e : v.getEndpointsList()) {
        if (!e.getNodeId().equals(selfNodeId) && !e.getHostAddr().isEmpty()) remote.add(Endpoint.of(e.getIp(), e.getHostAddr()));
      }
      overlay.syncPeers(cfg.vni(), remote);
    }
  }

  /** VIP → running backends, for every service on the task's networks. */
  private void applyVips(Task t, NetworkState s) {
    if (s == null || t.getNetworksCount() == 0) return;
    Map<String, List<String>> vips = new LinkedHashMap<>();
    for (NetworkAttachment a : t.getNetworksList()) {
      view(s, a.getNetworkId()).ifPresent(v -> {
        for (ServiceRecord r : v.getServicesList()) {
          if (r.getVip().isEmpty()) continue;
          List<String> backends = new ArrayList<>();
          for (NetworkEndpoint e : v.getEndpointsList()) {
            if (e.getServiceId().equals(r.getServiceId()) && e.getRunning()) backends.add(e.getIp());
          }
          vips.put(r.getVip(), backends);
        }
      });
    }
    try {
      VipRules.apply(nsName(t.getId()), vips);
    } catch (RuntimeException e) {
      LOG.warn("VIP rules for task {} failed", t.getId(), e);
    }
  }

  /**
   * Host-mode ports of the wired tasks, and the routing mesh's ports: a node with running replicas
   * of an ingress service sends connections to those, on the local bridge, without SNAT (the task
   * sees the client); a node without sends them over its ingress leg to the replicas elsewhere, with
   * SNAT (see {@link PortRules}). Rewritten only when the result changes.
   */
  private void applyPorts(NetworkState s) {
    List<HostPort> hp = new ArrayList<>();
    if (bridge != null) {
      for (Task t : wired.values()) {
        String ip = bridge.allocations().get(t.getId());
        if (ip == null) continue;
        for (PortConfig p : t.getPortsList()) {
          if (p.getPublishMode() != PortConfig.PublishMode.HOST || p.getPublishedPort() == 0) continue;
          hp.add(new HostPort(p.getProtocol().name().toLowerCase(), p.getHostIp(), (int) p.getPublishedPort(), ip, (int) p.getTargetPort()));
        }
      }
    }
    List<IngressPort> ip = ingressPorts(s);
    List<Object> next = List.of(hp, ip);
    if (next.equals(appliedPorts)) return;
    if (hp.isEmpty() && ip.isEmpty() && appliedPorts == null && bridge == null) return; // never published anything
    ports.apply(hp, ip);
    appliedPorts = next;
  }

  private List<IngressPort> ingressPorts(NetworkState s) {
    Optional<NetworkView> iv = ingressView(s);
    if (iv.isEmpty()) return List.of();
    String snat = address(s.getIngressAddress());
    List<IngressPort> out = new ArrayList<>();
    for (IngressService svc : s.getIngressList()) {
      List<String> local = new ArrayList<>();
      List<String> remote = new ArrayList<>();
      for (NetworkEndpoint e : iv.get().getEndpointsList()) {
        if (!e.getServiceId().equals(svc.getServiceId()) || !e.getRunning()) continue;
        String bridgeIp = e.getNodeId().equals(selfNodeId) && bridge != null ? bridge.allocations().get(e.getTaskId()) : null;
        if (bridgeIp != null) local.add(bridgeIp);
        else remote.add(e.getIp());
      }
      local.sort(null);
      remote.sort(null);
      for (PortConfig p : svc.getPortsList()) {
        if (p.getPublishedPort() == 0) continue;
        out.add(new IngressPort(p.getProtocol().name().toLowerCase(), (int) p.getPublishedPort(), (int) p.getTargetPort(), local, remote, snat));
      }
    }
    return out;
  }

  /** The ingress network, when this node takes part in the routing mesh (some service publishes an ingress port). */
  private static Optional<NetworkView> ingressView(NetworkState s) {
    if (s == null || s.getIngressCount() == 0 || s.getIngressAddress().isEmpty()) return Optional.empty();
    return s.getNetworksList().stream().filter(v -> v.getNetwork().getSpec().getIngress()).findFirst();
  }

  /** This host's leg into the ingress sandbox: up while the mesh is in use, gone when it is not. */
  private void syncIngress(NetworkState s) {
    Optional<NetworkView> iv = ingressView(s);
    if (iv.isPresent()) {
      // syncAll has already ensured the ingress sandbox (it counts as used while the mesh is on).
      NetworkConfig cfg = config(iv.get());
      String ip = address(s.getIngressAddress());
      String cidr = ip + "/" + cfg.subnet().substring(cfg.subnet().indexOf('/') + 1);
      String leg = overlay.sandboxName(cfg.vni()) + " " + cidr + " " + cfg.mtu();
      if (!leg.equals(ingressLegWired)) { // every state message lands here: rewire only on change
        ingressLeg.connect(overlay.sandboxName(cfg.vni()), ingressIf, cidr, cfg.mtu(), Endpoint.macFor(ip));
        ingressLegWired = leg;
      }
    } else if (ingressLegWired != null || !ingressChecked) {
      ingressLeg.disconnect(ingressIf);
      ingressLegWired = null;
    }
    ingressChecked = true;
  }

  private Set<String> usedNetworks() {
    Set<String> out = new HashSet<>();
    for (Task t : wired.values()) for (NetworkAttachment a : t.getNetworksList()) out.add(a.getNetworkId());
    return out;
  }

  private void dropUnusedSandboxes(NetworkState s) {
    if (s == null) return; // after a restart, wait for the managers before judging
    Set<Integer> keep = new HashSet<>();
    Set<String> used = usedNetworks();
    for (NetworkView v : s.getNetworksList()) if (used.contains(v.getNetwork().getId())) keep.add(v.getNetwork().getVni());
    for (Task t : wired.values()) {
      for (NetworkAttachment a : t.getNetworksList()) view(s, a.getNetworkId()).ifPresent(v -> keep.add(v.getNetwork().getVni()));
    }
    ingressView(s).ifPresent(v -> keep.add(v.getNetwork().getVni()));
    for (int vni : overlay.sandboxes()) {
      if (keep.contains(vni)) continue;
      DnsServer d = dns.remove(String.valueOf(vni));
      if (d != null) d.close();
      overlay.removeNetwork(vni);
    }
  }

  private void ensureNetwork(NetworkConfig cfg) {
    overlay.ensureNetwork(cfg);
    dns.computeIfAbsent(String.valueOf(cfg.vni()), k -> {
      String netId = cfg.networkId();
      DnsServer d = new DnsServer(name -> NetworkDns.lookup(() -> view(state, netId).orElse(null), name),
          DnsServer.upstreamsFrom(Path.of("/etc/resolv.conf")));
      DatagramChannel ch = NetnsSockets.openUdp(Netns.path(overlay.sandboxName(cfg.vni())), new InetSocketAddress(cfg.gateway(), 53));
      d.listen(k, ch);
      return d;
    });
  }

  private void ensureBridge() throws IOException {
    if (bridgeReady) return;
    bridge.ensure();
    // Containers with only the bridge ask the daemon, which forwards to the host's resolvers
    // (they may sit on 127.0.0.53, out of a container's reach).
    dns.computeIfAbsent("bridge", k -> {
      DnsServer d = new DnsServer(name -> Optional.empty(), DnsServer.upstreamsFrom(Path.of("/etc/resolv.conf")));
      try {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(new InetSocketAddress(bridge.gateway(), 53));
        d.listen(k, ch);
      } catch (IOException e) {
        d.close();
        throw new UncheckedIOException(e);
      }
      return d;
    });
    bridgeReady = true;
  }

  private static Optional<NetworkView> view(NetworkState s, String networkId) {
    if (s == null) return Optional.empty();
    return s.getNetworksList().stream().filter(v -> v.getNetwork().getId().equals(networkId)).findFirst();
  }

  private static NetworkConfig config(NetworkView v) {
    var n = v.getNetwork();
    return new NetworkConfig(n.getId(), n.getVni(), n.getSubnet(), n.getGateway(), n.getMtu());
  }

  private static String address(String cidr) {
    int slash = cidr.indexOf('/');
    return slash < 0 ? cidr : cidr.substring(0, slash);
  }

  // ------------------------------------------------------------------ persistence

  private void save(Task t) throws IOException {
    Path d = dir.resolve(t.getId());
    Files.createDirectories(d);
    Path tmp = d.resolve("task.pb.tmp");
    Files.write(tmp, t.toByteArray());
    Files.move(tmp, d.resolve("task.pb"), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** After a restart: the tasks wired before, whose namespaces the kernel kept. */
  private void load() {
    if (!Files.isDirectory(dir)) return;
    try (var entries = Files.list(dir)) {
      for (Path d : entries.toList()) {
        Path f = d.resolve("task.pb");
        if (!Files.exists(f)) continue;
        try {
          Task t = Task.parseFrom(Files.readAllBytes(f));
          if (!Netns.exists(nsName(t.getId()))) continue;
          wired.put(t.getId(), t);
          if (bridge != null) ip4Of(nsName(t.getId())).ifPresent(ip -> bridge.adopt(t.getId(), ip));
        } catch (IOException | RuntimeException e) {
          LOG.warn("cannot re-adopt the network of {}", d, e);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list {}", dir, e);
    }
    if (!wired.isEmpty()) {
      try {
        applyPorts(null);
      } catch (RuntimeException e) {
        LOG.warn("re-applying published ports failed", e);
      }
    }
  }

  private static Optional<String> ip4Of(String ns) {
    try {
      Process p = new ProcessBuilder("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/").matcher(out);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void deleteFiles(String taskId) {
    Path d = dir.resolve(taskId);
    for (String f : List.of("resolv.conf", "hosts", "task.pb", "task.pb.tmp")) {
      try {
        Files.deleteIfExists(d.resolve(f));
      } catch (IOException ignored) {
        // best effort
      }
    }
    try {
      Files.deleteIfExists(d);
    } catch (IOException ignored) {
      // not empty: something else lives there
    }
  }

  /**
   * At daemon stop when no container runs any more: removes what this node made in the host
   * (the ingress leg, every overlay sandbox, leftover task namespaces, the published-ports table,
   * the bridge with its nat table), so a stopped daemon leaves the host as it found it. The next
   * start makes them again on demand. Returns what it removed, for the log.
   */
  public synchronized List<String> removeAll() {
    List<String> done = new ArrayList<>();
    if (ingressLegWired != null) {
      ingressLeg.disconnect(ingressIf);
      ingressLegWired = null;
      done.add("ingress link " + ingressIf);
    }
    ports.clear();
    done.add("nft table ip jswarm_ports");
    for (int vni : overlay.sandboxes()) {
      overlay.removeNetwork(vni);
      done.add("namespace " + overlay.sandboxName(vni));
    }
    for (String ns : Netns.list(tag + "-")) {
      Netns.delete(ns);
      done.add("namespace " + ns);
    }
    for (String id : List.copyOf(wired.keySet())) {
      deleteFiles(id);
    }
    wired.clear();
    if (bridge != null) {
      bridge.remove();
      bridgeReady = false;
      done.add("bridge " + bridge.bridgeName() + " and nft table ip jswarm_nat");
    }
    return done;
  }

  @Override
  public void close() {
    dns.values().forEach(DnsServer::close);
    dns.clear();
  }
}
