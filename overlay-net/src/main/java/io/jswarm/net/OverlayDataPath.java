package io.jswarm.net;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One worker's overlay data path. Per network, a sandbox namespace {@code <tag>-n<vni>} holds the
 * bridge {@code br0} (with the gateway address) and the VXLAN device {@code vx-<vni>}; containers'
 * veths hang off the bridge. The VXLAN device is created in the underlay namespace and only then
 * moved into the sandbox, because a VXLAN device's UDP socket lives in the namespace it was created
 * in: encapsulated traffic leaves through the underlay while the device itself is invisible there
 * (the layout of Docker's overlay driver).
 *
 * <p>Remote containers are known statically: {@link #syncPeers} programs the device's FDB (MAC →
 * remote worker) and its ARP proxy's neighbour table (IP → MAC) from cluster state. The device does
 * not learn and never floods, so a container can only reach the endpoints the cluster placed there.
 * The VXLAN port itself admits only the nodes behind those endpoints ({@link VxlanGuard}).
 *
 * <p>Every method converges on the requested state from whatever the kernel holds, so a restarted
 * worker re-applies its state without first cleaning up. Calls for one VNI are serialised.
 */
public final class OverlayDataPath {
  private final String tag;
  private final String underlayIp;
  private final int vxlanPort;
  private final String underlayNetns;
  private final Map<Integer, Object> locks = new ConcurrentHashMap<>();
  private final VxlanGuard guard;

  /**
   * @param tag short prefix unique to this worker among those sharing the machine's /run/netns
   * @param underlayIp this worker's tunnel endpoint address
   * @param vxlanPort UDP port of all VXLAN traffic (4789 is the IANA port)
   */
  public OverlayDataPath(String tag, String underlayIp, int vxlanPort) {
    this(tag, underlayIp, vxlanPort, null);
  }

  /**
   * As above, but with the underlay in a named namespace rather than the caller's own: for tests
   * that run several "hosts" from one process. A worker runs in its underlay and does not use this.
   */
  public OverlayDataPath(String tag, String underlayIp, int vxlanPort, String underlayNetns) {
    if (tag == null || !tag.matches("[a-zA-Z0-9_.]{1,20}")) {
      throw new IllegalArgumentException("bad tag: " + tag);
    }
    if (vxlanPort < 1 || vxlanPort > 65535) {
      throw new IllegalArgumentException("bad VXLAN port: " + vxlanPort);
    }
    this.tag = tag;
    this.underlayIp = Addresses.ipv4(underlayIp);
    this.vxlanPort = vxlanPort;
    this.underlayNetns = underlayNetns;
    this.guard = new VxlanGuard(tag, this.underlayIp, vxlanPort, underlayNetns);
  }

  /** The sandbox namespace's name for a VNI. */
  public String sandboxName(int vni) {
    return Names.sandbox(tag, vni);
  }

  /** Creates or repairs the network's sandbox, bridge and VXLAN device. */
  public void ensureNetwork(NetworkConfig n) {
    synchronized (lock(n.vni())) {
      String sb = sandboxName(n.vni());
      Netns.create(sb);
      Set<String> links = links(sb);
      String mtu = Integer.toString(n.mtu());
      List<String> setup = new ArrayList<>();
      setup.add("link set lo up");
      if (!links.contains(Names.BRIDGE)) {
        setup.add("link add " + Names.BRIDGE + " type bridge");
      }
      // The bridge MTU is set rather than inherited: with no port attached it would be 1500.
      setup.add("link set " + Names.BRIDGE + " mtu " + mtu + " up");
      setup.add("addr replace " + n.withPrefix(n.gateway()) + " dev " + Names.BRIDGE);
      IpCommands.ipBatch(sb, setup);
      String vx = Names.vxlan(n.vni());
      if (!links.contains(vx)) {
        guard.peers(n.vni(), List.of()); // the port is guarded before it opens
        createVxlan(n.vni(), sb);
      }
      IpCommands.ipBatch(sb, List.of(
          "link set " + vx + " master " + Names.BRIDGE + " mtu " + mtu,
          "link set " + vx + " up"));
      // No bridge neigh_suppress: it would answer ARP from br0's neighbour table, while ours is on
      // the VXLAN device, whose "proxy" mode answers ARP locally and never sends it over the wire.
      // Bridge learning stays on for this port (the device itself does not learn): the bridge then
      // sends frames for remote MACs to the VXLAN port only, instead of flooding local containers.
      IpCommands.bridge(sb, "link", "set", "dev", vx, "learning", "on");
    }
  }

  private void createVxlan(int vni, String sandbox) {
    String transit = Names.vxlanTransit(tag, vni);
    // Left behind if a previous run died between creating and moving it; the name is ours alone.
    IpCommands.tryIp(underlayNetns, "link", "del", transit);
    IpCommands.ip(underlayNetns, "link", "add", transit, "type", "vxlan", "id", Integer.toString(vni),
        "local", underlayIp, "dstport", Integer.toString(vxlanPort), "nolearning", "proxy");
    try {
      IpCommands.ip(underlayNetns, "link", "set", transit, "netns", sandbox, "name", Names.vxlan(vni));
    } catch (NetException e) {
      IpCommands.tryIp(underlayNetns, "link", "del", transit);
      throw e;
    }
  }

  public void removeNetwork(NetworkConfig n) {
    removeNetwork(n.vni());
  }

  /**
   * Deletes the sandbox. The VXLAN device is deleted first, synchronously: namespace teardown is
   * asynchronous in the kernel, and until it finishes the device would keep its VNI and UDP port,
   * so an immediate re-create of the network would fail.
   */
  public void removeNetwork(int vni) {
    synchronized (lock(vni)) {
      String sb = sandboxName(vni);
      if (!Netns.exists(sb)) {
        return;
      }
      IpCommands.tryIp(sb, "link", "del", Names.vxlan(vni));
      Netns.delete(sb);
      guard.peers(vni, null);
    }
  }

  /**
   * Connects a container namespace to the network: a veth whose host end joins the bridge and
   * whose other end becomes {@code ifName} in the container. Re-attaching re-applies addresses and
   * routes to the existing pair.
   *
   * @param containerNetns a named namespace file (its file name keys the host end, see detach)
   * @return the host end's name, in the sandbox
   */
  public String attach(NetworkConfig n, Path containerNetns, String ifName, String ip, String mac, boolean defaultRoute) {
    if (ifName == null || !ifName.matches("[a-zA-Z0-9_.-]{1,15}")) {
      throw new IllegalArgumentException("bad interface name: " + ifName);
    }
    String addr = n.withPrefix(ip);
    String lladdr = Addresses.mac(mac);
    String ct = containerTarget(containerNetns);
    String host = Names.hostVeth(containerNetns.getFileName().toString(), n.vni());
    String mtu = Integer.toString(n.mtu());
    synchronized (lock(n.vni())) {
      String sb = sandboxName(n.vni());
      if (!Netns.exists(sb)) {
        throw new NetException("network " + n.networkId() + " (VNI " + n.vni() + ") has no sandbox here; ensureNetwork first");
      }
      if (!links(sb).contains(host)) {
        // Without our host end the pair is gone, so an ifName in the container is someone's leftover.
        if (links(ct).contains(ifName)) {
          IpCommands.ip(ct, "link", "del", ifName);
        }
        IpCommands.ip(sb, "link", "add", host, "mtu", mtu, "type", "veth",
            "peer", "name", ifName, "mtu", mtu, "address", lladdr, "netns", containerNetns.toString());
      }
      IpCommands.ipBatch(sb, List.of("link set " + host + " master " + Names.BRIDGE + " mtu " + mtu + " up"));
      List<String> inside = new ArrayList<>(List.of(
          "link set lo up",
          "link set " + ifName + " address " + lladdr + " mtu " + mtu,
          "addr replace " + addr + " dev " + ifName,
          "link set " + ifName + " up"));
      if (defaultRoute) {
        inside.add("route replace default via " + n.gateway() + " dev " + ifName);
      }
      IpCommands.ipBatch(ct, inside);
      return host;
    }
  }

  /** Disconnects a container; deleting the host end takes the container's end with it. */
  public void detach(NetworkConfig n, String containerNetnsName) {
    synchronized (lock(n.vni())) {
      String sb = sandboxName(n.vni());
      String host = Names.hostVeth(containerNetnsName, n.vni());
      if (Netns.exists(sb) && links(sb).contains(host)) {
        IpCommands.ip(sb, "link", "del", host);
      }
    }
  }

  /**
   * Makes the network's remote entries exactly {@code remote}, changing only what differs: one
   * bridge and one ip process, whatever the number of entries. The kernel is read every time rather
   * than trusting a cached copy, so a restarted worker and a hand-edited table both converge.
   * Endpoints on this worker's own address are skipped: local containers are on the bridge, and a
   * tunnel to ourselves would blackhole them.
   */
  public void syncPeers(int vni, Collection<Endpoint> remote) {
    List<Endpoint> wanted = remote.stream().filter(e -> !e.hostIp().equals(underlayIp)).toList();
    synchronized (lock(vni)) {
      String sb = requireSandbox(vni);
      String vx = Names.vxlan(vni);
      PeerTable plan = PeerTable.desired(wanted);
      PeerTable.Plan p = current(sb, vx).planTo(plan, vx);
      IpCommands.bridgeBatch(sb, p.bridgeLines());
      IpCommands.ipBatch(sb, p.ipLines());
      guard.peers(vni, wanted.stream().map(Endpoint::hostIp).toList());
    }
  }

  /** The nft table that admits VXLAN only from peer nodes (tests read it). */
  public String vxlanGuardTable() {
    return guard.table();
  }

  /** VNIs of this worker's sandboxes that exist, e.g. to re-sync or clean up after a restart. */
  public Set<Integer> sandboxes() {
    Set<Integer> out = new TreeSet<>();
    for (String name : Netns.list(Names.sandboxPrefix(tag))) {
      int vni = Names.vniOfSandbox(tag, name);
      if (vni > 0 && Netns.exists(name)) {
        out.add(vni);
      }
    }
    return out;
  }

  /** IP → MAC of the neighbours programmed on the network's VXLAN device. */
  public Map<String, String> peers(int vni) {
    return current(requireSandbox(vni), Names.vxlan(vni)).neigh();
  }

  /** MAC → tunnel endpoints programmed in the network's VXLAN FDB. */
  public Map<String, Set<String>> forwarding(int vni) {
    return current(requireSandbox(vni), Names.vxlan(vni)).fdb();
  }

  private PeerTable current(String sb, String vx) {
    return PeerTable.parse(
        IpCommands.bridge(sb, "fdb", "show", "dev", vx),
        IpCommands.ip(sb, "neigh", "show", "dev", vx));
  }

  private String requireSandbox(int vni) {
    String sb = sandboxName(vni);
    if (!Netns.exists(sb)) {
      throw new NetException("no sandbox for VNI " + vni + "; ensureNetwork first");
    }
    return sb;
  }

  /** Interface names in a namespace, without the "@peer" suffix ip prints for veths. */
  private static Set<String> links(String netns) {
    Set<String> names = new HashSet<>();
    for (String line : IpCommands.ip(netns, "-o", "link", "show").split("\n")) {
      String[] f = line.split(": ", 3);
      if (f.length >= 2) {
        int at = f[1].indexOf('@');
        names.add(at < 0 ? f[1] : f[1].substring(0, at));
      }
    }
    return names;
  }

  /** A /run/netns path is addressed by name (ip -n); any other path through nsenter. */
  private static String containerTarget(Path netns) {
    Path abs = netns.toAbsolutePath();
    return abs.getParent() != null && abs.getParent().equals(Netns.RUN_DIR) ? abs.getFileName().toString() : abs.toString();
  }

  private Object lock(int vni) {
    return locks.computeIfAbsent(vni, k -> new Object());
  }
}
