package io.jswarm.net.ports;

import java.util.ArrayList;
import java.util.List;

/**
 * This host's leg into the ingress overlay: a veth from the host namespace into the ingress network's
 * sandbox, enslaved to its bridge {@code br0}. The host end carries the node's own ingress address,
 * which {@link PortRules} SNATs to when it forwards a published port to a task on another node.
 *
 * <p>The leg gets the overlay's MTU on both ends so forwarded packets are not silently too big for VXLAN,
 * and {@code route_localnet} so that a DNAT of 127.0.0.1 to a remote backend can leave through it;
 * {@link NodeGuard} then admits only replies from the leg to the node, and no 127.0.0.0/8 from outside.
 */
public final class IngressSandbox {
    static final String SANDBOX_BRIDGE = "br0";

    private final HostNs host;

    public IngressSandbox() {
        this(null);
    }

    /** @param hostNs run host-side commands in this named namespace instead of the caller's (for tests) */
    public IngressSandbox(String hostNs) {
        this.host = new HostNs(hostNs);
    }

    /** @param ipCidr the node's ingress address with the overlay's prefix, e.g. 10.255.0.3/16 */
    public void connect(String sandboxNs, String hostIfName, String ipCidr, int mtu) {
        connect(sandboxNs, hostIfName, ipCidr, mtu, null);
    }

    /**
     * @param mac the host end's MAC, or null for the kernel's random one. Other nodes' overlays reach
     *     this leg through static neighbour and FDB entries, so it must carry the MAC they derive from its address.
     */
    public void connect(String sandboxNs, String hostIfName, String ipCidr, int mtu, String mac) {
        VethNames.requireIfName(hostIfName, "host interface name");
        String[] a = ipCidr.split("/", 2);
        Ipv4.requireAddress(a[0], "ingress address");
        if (a.length != 2) {
            throw new IllegalArgumentException("ingress address needs a prefix length: " + ipCidr);
        }
        String peer = VethNames.ingressPeer(hostIfName);
        boolean peerThere = Cmd.attempt(sandboxIp(sandboxNs, "link", "show", "dev", peer)).ok();
        if (host.linkExists(hostIfName) && !peerThere) {
            Cmd.run(host.ip("link", "del", "dev", hostIfName));
        }
        if (!host.linkExists(hostIfName)) {
            Cmd.run(host.ip("link", "add", "name", hostIfName, "type", "veth",
                    "peer", "name", peer, "netns", sandboxNs));
        }
        String m = String.valueOf(mtu);
        Cmd.run(sandboxIp(sandboxNs, "link", "set", "dev", peer, "mtu", m, "master", SANDBOX_BRIDGE, "up"));
        Cmd.run(host.ip("link", "set", "dev", hostIfName, "mtu", m));
        if (mac != null) {
            Cmd.run(host.ip("link", "set", "dev", hostIfName, "address", mac));
        }
        Cmd.run(host.ip("addr", "replace", ipCidr, "dev", hostIfName));
        Cmd.run(host.ip("link", "set", "dev", hostIfName, "up"));
        host.sysctl("net.ipv4.ip_forward", "1");
        host.sysctl("net.ipv4.conf." + hostIfName + ".route_localnet", "1");
        Cmd.run(host.exec("nft", "-f", "-"), NodeGuard.ingressLeg(hostIfName));
        ForwardAccept.allow(host, hostIfName);
    }

    public boolean connected(String hostIfName) {
        return host.linkExists(hostIfName);
    }

    /** Deleting the host end destroys the sandbox end with it. */
    public void disconnect(String hostIfName) {
        if (host.linkExists(hostIfName)) {
            Cmd.run(host.ip("link", "del", "dev", hostIfName));
        }
        Cmd.run(host.exec("nft", "-f", "-"), NodeGuard.removeIngressLeg());
        ForwardAccept.revoke(host, hostIfName);
    }

    private static List<String> sandboxIp(String ns, String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "-n", ns));
        c.addAll(List.of(args));
        return c;
    }
}
