package io.jswarm.net.ports;

import java.util.List;

/**
 * Lets routed traffic to and from one of our interfaces through an iptables FORWARD chain whose policy
 * is DROP (Docker sets that on every host it runs on).
 *
 * <p>An {@code accept} in our own nft table cannot do this: accept only ends the base chain it is in,
 * and iptables-nft's {@code filter FORWARD} is another base chain on the same hook whose drop still
 * applies; with iptables-legacy the rules are not even in nft. So we add plain iptables rules, and only
 * when the policy is not ACCEPT, to leave hosts without Docker untouched. With br_netfilter on (the
 * default in every namespace), frames bridged between two tasks also traverse FORWARD with the bridge
 * as in- and out-interface, so {@code -i bridge} covers task-to-task traffic as well.
 */
final class ForwardAccept {
    private ForwardAccept() {
    }

    static void allow(HostNs ns, String dev) {
        if (!forwardPolicyDrops(ns)) {
            return;
        }
        for (List<String> rule : rules(dev)) {
            if (!Cmd.attempt(iptables(ns, "-C", rule)).ok()) {
                Cmd.run(iptables(ns, "-I", rule));
            }
        }
    }

    static void revoke(HostNs ns, String dev) {
        if (!iptablesPresent(ns)) {
            return;
        }
        for (List<String> rule : rules(dev)) {
            // -D removes one copy; loop in case an earlier run raced and inserted two
            while (Cmd.attempt(iptables(ns, "-C", rule)).ok()) {
                Cmd.run(iptables(ns, "-D", rule));
            }
        }
    }

    static boolean present(HostNs ns, String dev) {
        if (!iptablesPresent(ns)) {
            return false;
        }
        return rules(dev).stream().anyMatch(r -> Cmd.attempt(iptables(ns, "-C", r)).ok());
    }

    private static boolean forwardPolicyDrops(HostNs ns) {
        if (!iptablesPresent(ns)) {
            return false;
        }
        String s = Cmd.run(ns.exec("iptables", "-w", "-S", "FORWARD"));
        return !s.lines().anyMatch(l -> l.strip().equals("-P FORWARD ACCEPT"));
    }

    private static boolean iptablesPresent(HostNs ns) {
        try {
            return Cmd.attempt(ns.exec("iptables", "-w", "-S", "FORWARD")).ok();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<List<String>> rules(String dev) {
        return List.of(
                List.of("FORWARD", "-i", dev, "-j", "ACCEPT"),
                List.of("FORWARD", "-o", dev, "-j", "ACCEPT"));
    }

    private static List<String> iptables(HostNs ns, String op, List<String> rule) {
        var c = new java.util.ArrayList<>(ns.exec("iptables", "-w", op));
        c.addAll(rule);
        return c;
    }
}
