package io.jswarm.net.ports;

import java.util.HashMap;
import java.util.Map;

/**
 * Addresses on one node's local bridge. Node-local on purpose: the subnet never leaves the node, so no
 * cluster-wide allocator is needed, and after a daemon restart the worker re-{@link #adopt}s what its
 * running tasks already hold.
 */
final class BridgeIpam {
    private final Ipv4.Subnet subnet;
    private final Map<String, Integer> byOwner = new HashMap<>();
    private final Map<Integer, String> byAddress = new HashMap<>();
    // Hand out addresses round-robin so a released address is not reused at once while peers still cache its ARP entry.
    private int cursor;

    BridgeIpam(Ipv4.Subnet subnet) {
        this.subnet = subnet;
        this.cursor = subnet.gateway();
    }

    synchronized String allocate(String owner) {
        Integer held = byOwner.get(owner);
        if (held != null) {
            return Ipv4.toText(held);
        }
        int first = subnet.gateway() + 1;
        int last = subnet.broadcast() - 1;
        int span = last - first + 1;
        for (int i = 0; i < span; i++) {
            cursor = cursor >= last || cursor < first ? first : cursor + 1;
            if (!byAddress.containsKey(cursor)) {
                take(owner, cursor);
                return Ipv4.toText(cursor);
            }
        }
        throw new IllegalStateException("local bridge subnet " + subnet + " has no free address for " + owner);
    }

    synchronized void release(String owner) {
        Integer a = byOwner.remove(owner);
        if (a != null) {
            byAddress.remove(a);
        }
    }

    synchronized void adopt(String owner, String ip) {
        int a = Ipv4.toInt(ip);
        if (!subnet.contains(a) || a == subnet.network() || a == subnet.gateway() || a == subnet.broadcast()) {
            throw new IllegalArgumentException(ip + " is not a task address in " + subnet);
        }
        String holder = byAddress.get(a);
        if (holder != null && !holder.equals(owner)) {
            throw new IllegalStateException(ip + " is already held by " + holder + ", cannot adopt it for " + owner);
        }
        release(owner);
        take(owner, a);
    }

    synchronized Map<String, String> snapshot() {
        Map<String, String> m = new HashMap<>();
        byOwner.forEach((o, a) -> m.put(o, Ipv4.toText(a)));
        return m;
    }

    private void take(String owner, int a) {
        byOwner.put(owner, a);
        byAddress.put(a, owner);
    }
}
