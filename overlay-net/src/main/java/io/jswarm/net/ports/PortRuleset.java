package io.jswarm.net.ports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The nft script for table {@code ip jswarm_ports}, as pure text so it can be unit-tested without root. */
final class PortRuleset {
    static final String TABLE = "jswarm_ports";
    private static final Pattern PUBLISHED_RULE =
            Pattern.compile("^\\s*(?:ip daddr (\\S+) )?(tcp|udp) dport (\\d+) dnat\\b.*");

    /** One published (protocol, host address, port); hostIp "" means every local address. */
    record Published(String protocol, String hostIp, int port) {
        boolean clashesWith(String otherProtocol, String otherHostIp, int otherPort) {
            return protocol.equals(otherProtocol) && port == otherPort
                    && (hostIp.isEmpty() || otherHostIp.isEmpty() || hostIp.equals(otherHostIp));
        }

        @Override
        public String toString() {
            return protocol + "/" + (hostIp.isEmpty() ? "" : hostIp + ":") + port;
        }
    }

    private PortRuleset() {
    }

    /**
     * Flush and redefine in one transaction: {@code table {}} makes the delete valid when the table is
     * missing, so packets never see a half-written table and re-applying never duplicates rules.
     */
    static String render(List<HostPort> hostPorts, List<IngressPort> ingressPorts) {
        checkNoClash(hostPorts, ingressPorts);
        List<String> dnat = new ArrayList<>();
        List<String> snat = new ArrayList<>();
        for (HostPort h : hostPorts) {
            String match = (h.hostIp().isEmpty() ? "" : "ip daddr " + h.hostIp() + " ")
                    + h.protocol() + " dport " + h.publishedPort();
            dnat.add(match + " dnat to " + h.targetIp() + ":" + h.targetPort());
        }
        for (IngressPort p : ingressPorts) {
            List<String> backends = p.chosenBackends();
            if (backends.isEmpty()) {
                // No rule: the connection reaches the host's own stack and is refused, which is the honest answer.
                continue;
            }
            dnat.add(p.protocol() + " dport " + p.publishedPort() + " " + spread(backends, p.targetPort()));
            if (p.snatted()) {
                snat.add("ct status dnat meta l4proto " + p.protocol() + " ct original proto-dst " + p.publishedPort()
                        + " ip daddr " + set(backends) + " snat to " + p.snatIp());
            }
        }
        List<String> out = new ArrayList<>(List.of(
                "table ip " + TABLE + " {}",
                "delete table ip " + TABLE,
                "table ip " + TABLE + " {",
                // fib ... local: only traffic addressed to this node, never traffic merely routed through it.
                "  chain prerouting {",
                "    type nat hook prerouting priority dstnat; policy accept;",
                "    fib daddr type local jump published",
                "  }",
                // Connections the host makes itself skip prerouting; the output hook catches them.
                // -100 is dstnat's value; nft 1.0.6 accepts the name only in prerouting.
                "  chain output {",
                "    type nat hook output priority -100; policy accept;",
                "    fib daddr type local jump published",
                "  }",
                "  chain published {"));
        dnat.forEach(r -> out.add("    " + r));
        out.addAll(List.of(
                "  }",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;"));
        snat.forEach(r -> out.add("    " + r));
        out.addAll(List.of("  }", "}", ""));
        return String.join("\n", out);
    }

    private static String spread(List<String> backends, int port) {
        if (backends.size() == 1) {
            return "dnat to " + backends.get(0) + ":" + port;
        }
        String map = IntStream.range(0, backends.size())
                .mapToObj(i -> i + " : " + backends.get(i) + " . " + port)
                .collect(Collectors.joining(", "));
        // numgen inc: round-robin per new connection; conntrack keeps each connection on its backend.
        return "dnat ip addr . port to numgen inc mod " + backends.size() + " map { " + map + " }";
    }

    private static String set(List<String> ips) {
        return ips.size() == 1 ? ips.get(0) : "{ " + String.join(", ", ips) + " }";
    }

    private static void checkNoClash(List<HostPort> hostPorts, List<IngressPort> ingressPorts) {
        List<Published> seen = new ArrayList<>();
        Map<Published, String> owner = new HashMap<>();
        for (HostPort h : hostPorts) {
            claim(seen, owner, new Published(h.protocol(), h.hostIp(), h.publishedPort()), "host-mode " + h);
        }
        for (IngressPort p : ingressPorts) {
            claim(seen, owner, new Published(p.protocol(), "", p.publishedPort()), "ingress " + p);
        }
    }

    private static void claim(List<Published> seen, Map<Published, String> owner, Published p, String who) {
        for (Published s : seen) {
            if (s.clashesWith(p.protocol(), p.hostIp(), p.port())) {
                throw new IllegalArgumentException("port " + p + " of " + who + " clashes with " + owner.get(s));
            }
        }
        seen.add(p);
        owner.put(p, who);
    }

    /** Reads back what an installed table publishes, from {@code nft list table ip jswarm_ports}. */
    static List<Published> parsePublished(String listing) {
        List<Published> found = new ArrayList<>();
        for (String line : listing.lines().toList()) {
            var m = PUBLISHED_RULE.matcher(line);
            if (m.matches()) {
                found.add(new Published(m.group(2), m.group(1) == null ? "" : m.group(1), Integer.parseInt(m.group(3))));
            }
        }
        return found;
    }
}
