package io.jswarm.net.ports;

import java.nio.file.Path;
import java.util.Map;

/**
 * The node-local "bridge" network tasks sit on, like Docker's docker0/docker_gwbridge: a Linux bridge
 * holding the subnet's first address as the tasks' default gateway, with masquerade for traffic leaving
 * the node. One per host namespace; it owns the nft table {@code ip jswarm_nat}, and the {@link NodeGuard}
 * tables that isolate its ports from each other and keep tasks off the node's own ports and loopback.
 *
 * <p>The table also masquerades two DNAT cases that otherwise break, both verified on this kernel:
 * <ul>
 *   <li>a task reaching a port published to a task on this same bridge (including itself): without
 *       masquerade the backend answers the client directly over L2 and the client drops a reply it
 *       never sent a SYN to (or, for itself, a packet from its own address). Bridge ports get
 *       hairpin mode because with br_netfilter the DNATed frame is re-injected into the bridge and
 *       must be allowed back out of the port it came in on;</li>
 *   <li>the host connecting to 127.0.0.1:published: after DNAT in the output hook the packet still
 *       carries source 127.0.0.1, which the kernel only routes out of a non-loopback device with
 *       {@code route_localnet=1} on it, and which the task could not answer without masquerade.</li>
 * </ul>
 *
 * <p>All methods are idempotent, so a restarted worker simply calls them again.
 */
public final class LocalBridge {
    public static final String DEFAULT_SUBNET = "172.30.0.0/16";
    public static final String NAT_TABLE = "jswarm_nat";

    private final String bridge;
    private final Ipv4.Subnet subnet;
    private final HostNs host;
    private final BridgeIpam ipam;

    public LocalBridge(String bridgeName) {
        this(bridgeName, DEFAULT_SUBNET, null);
    }

    public LocalBridge(String bridgeName, String subnetCidr) {
        this(bridgeName, subnetCidr, null);
    }

    /** @param hostNs run host-side commands in this named namespace instead of the caller's (for tests) */
    public LocalBridge(String bridgeName, String subnetCidr, String hostNs) {
        this.bridge = VethNames.requireIfName(bridgeName, "bridge name");
        this.subnet = Ipv4.Subnet.parse(subnetCidr == null ? DEFAULT_SUBNET : subnetCidr);
        this.host = new HostNs(hostNs);
        this.ipam = new BridgeIpam(subnet);
    }

    public String bridgeName() {
        return bridge;
    }

    public String gateway() {
        return Ipv4.toText(subnet.gateway());
    }

    public String subnet() {
        return subnet.toString();
    }

    public void ensure() {
        if (!host.linkExists(bridge)) {
            Cmd.run(host.ip("link", "add", "name", bridge, "type", "bridge"));
        }
        Cmd.run(host.ip("addr", "replace", gateway() + "/" + subnet.prefix(), "dev", bridge));
        Cmd.run(host.ip("link", "set", "dev", bridge, "up"));
        host.sysctl("net.ipv4.ip_forward", "1");
        host.sysctl("net.ipv4.conf." + bridge + ".route_localnet", "1");
        Cmd.run(host.exec("nft", "-f", "-"), natTable());
        Cmd.run(host.exec("nft", "-f", "-"), NodeGuard.bridge(bridge, gateway()));
        ForwardAccept.allow(host, bridge);
    }

    /** The whole table in one nft transaction: re-running replaces it instead of appending duplicates. */
    String natTable() {
        String br = '"' + bridge + '"';
        return String.join("\n",
                "table ip " + NAT_TABLE + " {}",
                "delete table ip " + NAT_TABLE,
                "table ip " + NAT_TABLE + " {",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                "    ip saddr " + subnet + " oifname != " + br + " masquerade",
                "    ip saddr " + subnet + " oifname " + br + " ct status dnat masquerade",
                "    ip saddr 127.0.0.0/8 oifname " + br + " masquerade",
                "  }",
                // Enough on its own only when no other table drops forwarded traffic; see ForwardAccept.
                "  chain forward {",
                "    type filter hook forward priority filter; policy accept;",
                "    iifname " + br + " accept",
                "    oifname " + br + " accept",
                "  }",
                "}",
                "");
    }

    /**
     * Plugs a task's namespace into the bridge.
     *
     * @param containerNetns  the namespace file, used to move the veth end in
     * @param containerNsName its name under /run/netns, used to configure inside it and to name the host end
     * @param ip              an address from {@link #allocate}, with or without the subnet's prefix length
     * @param mac             null to let the kernel pick one
     */
    public void attach(Path containerNetns, String containerNsName, String ifName, String ip, String mac) {
        VethNames.requireIfName(ifName, "interface name");
        String addr = ip.contains("/") ? ip : ip + "/" + subnet.prefix();
        Ipv4.requireAddress(addr.substring(0, addr.indexOf('/')), "task address");
        String port = VethNames.bridgePort(containerNsName);
        boolean peerThere = Cmd.attempt(ctIp(containerNsName, "link", "show", "dev", ifName)).ok();
        if (host.linkExists(port) && !peerThere) {
            Cmd.run(host.ip("link", "del", "dev", port));
        }
        if (!host.linkExists(port)) {
            // Create the peer directly inside the task's namespace under its final name: nothing to rename,
            // and no clash with a same-named device in the host namespace.
            Cmd.run(host.ip("link", "add", "name", port, "type", "veth",
                    "peer", "name", ifName, "netns", containerNetns.toString()));
        }
        Cmd.run(host.ip("link", "set", "dev", port, "master", bridge));
        Cmd.run(host.ip("link", "set", "dev", port, "type", "bridge_slave", "hairpin", "on"));
        Cmd.run(host.ip("link", "set", "dev", port, "up"));
        if (mac != null && !mac.isBlank()) {
            Cmd.run(ctIp(containerNsName, "link", "set", "dev", ifName, "address", mac));
        }
        String current = Cmd.run(ctIp(containerNsName, "-4", "-o", "addr", "show", "dev", ifName));
        if (!current.contains(" " + addr + " ")) {
            Cmd.run(ctIp(containerNsName, "addr", "flush", "dev", ifName));
            Cmd.run(ctIp(containerNsName, "addr", "add", addr, "dev", ifName));
        }
        Cmd.run(ctIp(containerNsName, "link", "set", "dev", ifName, "up"));
        Cmd.run(ctIp(containerNsName, "link", "set", "dev", "lo", "up"));
        Cmd.run(ctIp(containerNsName, "route", "replace", "default", "via", gateway(), "dev", ifName));
    }

    public void detach(String containerNsName) {
        String port = VethNames.bridgePort(containerNsName);
        if (host.linkExists(port)) {
            Cmd.run(host.ip("link", "del", "dev", port));
        }
    }

    /** Deletes the bridge, any veths still plugged into it, the nat table and the FORWARD exceptions. */
    public void remove() {
        if (host.linkExists(bridge)) {
            for (String line : Cmd.run(host.ip("-o", "link", "show", "master", bridge)).lines().toList()) {
                String[] f = line.split(":\\s+", 3);
                if (f.length >= 2) {
                    String dev = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
                    Cmd.attempt(host.ip("link", "del", "dev", dev));
                }
            }
            Cmd.run(host.ip("link", "del", "dev", bridge));
        }
        Cmd.run(host.exec("nft", "-f", "-"), "table ip " + NAT_TABLE + " {}\ndelete table ip " + NAT_TABLE + "\n");
        Cmd.run(host.exec("nft", "-f", "-"), NodeGuard.removeBridge());
        ForwardAccept.revoke(host, bridge);
    }

    /** The same owner always gets the same address until it is released. */
    public String allocate(String owner) {
        return ipam.allocate(owner);
    }

    public void release(String owner) {
        ipam.release(owner);
    }

    /** Re-registers an address a running task already holds, e.g. after the worker restarted. */
    public void adopt(String owner, String ip) {
        ipam.adopt(owner, ip);
    }

    public Map<String, String> allocations() {
        return ipam.snapshot();
    }

    private static java.util.List<String> ctIp(String ns, String... args) {
        var c = new java.util.ArrayList<>(java.util.List.of("ip", "-n", ns));
        c.addAll(java.util.List.of(args));
        return c;
    }
}
