package io.jswarm.net.ports;

import java.util.Locale;

final class Protocols {
    private Protocols() {
    }

    static String require(String protocol) {
        String p = protocol == null ? "" : protocol.toLowerCase(Locale.ROOT);
        if (!p.equals("tcp") && !p.equals("udp")) {
            throw new IllegalArgumentException("protocol must be tcp or udp, got " + protocol);
        }
        return p;
    }

    static void requirePort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1-65535, got " + port);
        }
    }
}
