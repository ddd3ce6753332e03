package io.jswarm.net.ports;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Published ports of one node, host mode and ingress alike, as the single nft table {@code ip jswarm_ports},
 * rewritten whole on every {@link #apply} so the kernel never holds a mix of old and new rules.
 *
 * <p>Traffic addressed to any local address of the node (or only {@code hostIp} for a host-mode port
 * bound to one address) is DNATed in prerouting, and in output for connections the host opens itself,
 * including to 127.0.0.1 (that needs the {@link LocalBridge}'s route_localnet and masquerade).
 *
 * <p><b>Source addresses.</b> Host-mode ports are never SNATed: the task sees the client's real
 * address. An ingress port with backends on this node DNATs round-robin across the <em>local</em>
 * backends only and does not SNAT either, so those tasks also see the client's real address; replies find
 * their way back because a local task's default route is the bridge gateway, i.e. this host, where
 * conntrack reverses the DNAT. An ingress port whose backends all run elsewhere DNATs across them and
 * SNATs to this node's ingress-network address, so the remote task sees that address, not the
 * client's: without SNAT the remote task would answer the client directly through its own node and the
 * client would drop a reply from an address it never contacted. This differs from Docker Swarm, which
 * always SNATs in its ingress sandbox and spreads over all backends cluster-wide; here a node with a
 * local replica keeps traffic on itself.
 */
public final class PortRules {
    public static final String TABLE = PortRuleset.TABLE;
    /** Swarm's range for automatically assigned ingress ports. */
    public static final int DEFAULT_RANGE_LO = 30000;
    public static final int DEFAULT_RANGE_HI = 32767;

    private final HostNs host;

    public PortRules() {
        this(null);
    }

    /** @param hostNs run host-side commands in this named namespace instead of the caller's (for tests) */
    public PortRules(String hostNs) {
        this.host = new HostNs(hostNs);
    }

    public synchronized void apply(List<HostPort> hostPorts, List<IngressPort> ingressPorts) {
        Cmd.run(host.exec("nft", "-f", "-"), PortRuleset.render(hostPorts, ingressPorts));
    }

    public synchronized void clear() {
        Cmd.run(host.exec("nft", "-f", "-"), "table ip " + TABLE + " {}\ndelete table ip " + TABLE + "\n");
    }

    /** The table as the kernel holds it now, "" when nothing is published. */
    public String ruleset() {
        return installed(host);
    }

    /**
     * Why a port cannot be published on this node, if it cannot: a process in the caller's namespace
     * already listens on it (found by briefly binding it), or our own table already publishes it. A
     * caller re-applying its own ports must leave those out of the check.
     */
    public static Optional<String> portTaken(String protocol, String hostIp, int port) {
        Optional<String> ours = publishedByUs(new HostNs(null), protocol, hostIp, port);
        return ours.isPresent() ? ours : bindFails(Protocols.require(protocol), hostIp, port);
    }

    /**
     * As {@link #portTaken(String, String, int)} for a named host namespace. The JVM cannot bind there,
     * so listeners are read with {@code ss} instead.
     */
    public static Optional<String> portTaken(String hostNs, String protocol, String hostIp, int port) {
        HostNs ns = new HostNs(hostNs);
        Optional<String> ours = publishedByUs(ns, protocol, hostIp, port);
        return ours.isPresent() ? ours : Listeners.find(ns, Protocols.require(protocol), hostIp, port);
    }

    public static int randomPort(Set<Integer> taken) {
        return randomPort(DEFAULT_RANGE_LO, DEFAULT_RANGE_HI, taken);
    }

    /** A uniformly chosen free port in lo..hi for {@code --publish-all}; fails only when the range is full. */
    public static int randomPort(int lo, int hi, Set<Integer> taken) {
        Protocols.requirePort(lo, "range start");
        Protocols.requirePort(hi, "range end");
        if (lo > hi) {
            throw new IllegalArgumentException("empty port range " + lo + "-" + hi);
        }
        int span = hi - lo + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int p = lo + (start + i) % span;
            if (!taken.contains(p)) {
                return p;
            }
        }
        throw new IllegalStateException("every port in " + lo + "-" + hi + " is already published");
    }

    static String installed(HostNs ns) {
        Cmd.Result r = Cmd.attempt(ns.exec("nft", "list", "table", "ip", TABLE));
        return r.ok() ? r.out() : "";
    }

    private static Optional<String> publishedByUs(HostNs ns, String protocol, String hostIp, int port) {
        String p = Protocols.require(protocol);
        String ip = hostIp == null ? "" : hostIp;
        return PortRuleset.parsePublished(installed(ns)).stream()
                .filter(x -> x.clashesWith(p, ip, port))
                .findFirst()
                .map(x -> "port " + x + " is already published by another service or task on this node");
    }

    private static Optional<String> bindFails(String protocol, String hostIp, int port) {
        InetSocketAddress at;
        try {
            at = new InetSocketAddress(hostIp == null || hostIp.isEmpty()
                    ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(Ipv4.requireAddress(hostIp, "host IP")), port);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        try {
            if (protocol.equals("tcp")) {
                // SO_REUSEADDR (Java's default for ServerSocket on Linux) still refuses a port someone listens on.
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(at);
                }
            } else {
                try (DatagramSocket s = new DatagramSocket(null)) {
                    s.bind(at);
                }
            }
            return Optional.empty();
        } catch (BindException e) {
            String why = e.getMessage() != null && e.getMessage().contains("assign requested address")
                    ? hostIp + " is not an address of this node"
                    : "a process on this node already uses " + protocol + " port " + port
                        + (hostIp == null || hostIp.isEmpty() ? "" : " on " + hostIp);
            return Optional.of(why + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            return Optional.of("cannot check " + protocol + " port " + port + ": " + e.getMessage());
        }
    }
}
