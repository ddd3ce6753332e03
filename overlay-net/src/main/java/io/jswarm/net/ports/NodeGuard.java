package io.jswarm.net.ports;

/**
 * What keeps tasks away from each other and from the node itself, as nft scripts that each replace
 * their own table whole (declare, delete, re-create: valid whether or not it existed):
 * <ul>
 *   <li>{@code bridge jswarm_isolation}: no frame is forwarded from one port of the local bridge to
 *       another, so tasks on one node meet only over overlay networks they share (Docker's
 *       docker_gwbridge has inter-container communication off). This kernel has neither
 *       {@code meta ibrname} nor conntrack in the bridge family, so ports are matched by our names
 *       ({@code vb*}), and a frame DNATed to a neighbour by a published port (br_netfilter's hairpin
 *       path) passes by a packet mark that the ip prerouting hook sets on DNATed traffic;</li>
 *   <li>{@code ip jswarm_guard} (the bridge) and {@code ip jswarm_guard_ingress} (the ingress leg):
 *       a task reaches the node only for DNS on the bridge gateway and ping, plus replies to
 *       connections the node opened; the cluster (2377), Raft (2378), registry (5000) and every
 *       other port of the node are closed to it on all of the node's addresses;</li>
 *   <li>in both: a packet for 127.0.0.0/8 arriving on any interface but {@code lo} is dropped
 *       before NAT, the rule Kubernetes added for CVE-2020-8558. The bridge and the ingress leg need
 *       {@code route_localnet=1} for 127.0.0.1 publishing, which would otherwise let a task with
 *       CAP_NET_RAW reach the node's loopback services by raw packets.</li>
 * </ul>
 * Replies to a 127.0.0.1 connection the node made (masqueraded onto the bridge) carry the gateway
 * as destination until NAT reverses it at priority -100, so the drop at -150 never sees them.
 */
final class NodeGuard {
    static final String ISOLATION_TABLE = "jswarm_isolation";
    static final String BRIDGE_TABLE = "jswarm_guard";
    static final String INGRESS_TABLE = "jswarm_guard_ingress";
    /** The packet-mark bit of DNATed traffic from the bridge (Docker and Kubernetes use 0x4000/0x8000/0x2000). */
    static final String DNAT_MARK = "0x00200000";

    private NodeGuard() {
    }

    /** Port isolation and the node's input rules for the local bridge. */
    static String bridge(String bridge, String gateway) {
        String br = '"' + bridge + '"';
        String ports = '"' + VethNames.BRIDGE_PORT_PREFIX + "*\"";
        return String.join("\n",
                replace("bridge", ISOLATION_TABLE),
                "  chain forward {",
                "    type filter hook forward priority filter; policy accept;",
                "    meta mark & " + DNAT_MARK + " == " + DNAT_MARK + " accept",
                "    iifname " + ports + " oifname " + ports + " drop",
                "  }",
                "}",
                replace("ip", BRIDGE_TABLE),
                localnetDrop(),
                "  chain mark_dnat {",
                "    type filter hook prerouting priority dstnat + 10; policy accept;",
                "    iifname " + br + " ct status dnat meta mark set meta mark | " + DNAT_MARK,
                "  }",
                "  chain input {",
                "    type filter hook input priority filter; policy accept;",
                "    iifname " + br + " ct state established,related accept",
                "    iifname " + br + " ip daddr " + gateway + " udp dport 53 accept",
                "    iifname " + br + " ip daddr " + gateway + " tcp dport 53 accept",
                "    iifname " + br + " ip daddr " + gateway + " icmp type echo-request accept",
                "    iifname " + br + " drop",
                "  }",
                "}",
                "");
    }

    /** The node's input rules for its leg into the ingress overlay: replies only. */
    static String ingressLeg(String hostIfName) {
        String leg = '"' + hostIfName + '"';
        return String.join("\n",
                replace("ip", INGRESS_TABLE),
                localnetDrop(),
                "  chain input {",
                "    type filter hook input priority filter; policy accept;",
                "    iifname " + leg + " ct state established,related accept",
                "    iifname " + leg + " drop",
                "  }",
                "}",
                "");
    }

    static String removeBridge() {
        return "table bridge " + ISOLATION_TABLE + " {}\ndelete table bridge " + ISOLATION_TABLE + "\n"
                + "table ip " + BRIDGE_TABLE + " {}\ndelete table ip " + BRIDGE_TABLE + "\n";
    }

    static String removeIngressLeg() {
        return "table ip " + INGRESS_TABLE + " {}\ndelete table ip " + INGRESS_TABLE + "\n";
    }

    private static String replace(String family, String table) {
        return "table " + family + " " + table + " {}\ndelete table " + family + " " + table + "\ntable " + family + " " + table + " {";
    }

    private static String localnetDrop() {
        return String.join("\n",
                "  chain prerouting {",
                "    type filter hook prerouting priority -150; policy accept;",
                "    iifname != \"lo\" ip daddr 127.0.0.0/8 drop",
                "  }");
    }
}
