package io.jswarm.net.ports;

/**
 * Host-side interface names derived from what the caller already knows (the container's netns name), so
 * {@code detach} and a restarted daemon find the device again without keeping state. Linux caps names at
 * 15 bytes, hence a hash; String.hashCode is specified, so the name is stable across JVMs.
 */
final class VethNames {
    private VethNames() {
    }

    /** Every port of the local bridge starts with it (so nft can match them all: {@code "vb*"}). */
    static final String BRIDGE_PORT_PREFIX = "vb";

    static String bridgePort(String containerNsName) {
        return BRIDGE_PORT_PREFIX + hex(containerNsName);
    }

    static String ingressPeer(String hostIfName) {
        return "vi" + hex(hostIfName);
    }

    static String requireIfName(String name, String what) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,15}")) {
            throw new IllegalArgumentException(what + " must be 1-15 of [A-Za-z0-9_-]: " + name);
        }
        return name;
    }

    private static String hex(String s) {
        return String.format("%08x", s.hashCode());
    }
}
