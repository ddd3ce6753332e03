package io.jswarm.net.ports;

import java.util.Optional;

/** Sockets bound in a namespace the JVM is not in, read from {@code ss}. */
final class Listeners {
    private Listeners() {
    }

    static Optional<String> find(HostNs ns, String protocol, String hostIp, int port) {
        // -l: listening TCP / bound UDP; -n numeric; -H no header. Not -4: a dual-stack socket on [::]
        // (busybox nc, most JVMs) also holds the IPv4 port, and ss lists it as "*".
        String flags = protocol.equals("tcp") ? "-Hlnt" : "-Hlnu";
        String out = Cmd.run(ns.exec("ss", flags));
        String ip = hostIp == null ? "" : hostIp;
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) {
                continue;
            }
            String local = f[3];
            int colon = local.lastIndexOf(':');
            String addr = local.substring(0, colon);
            addr = addr.contains("%") ? addr.substring(0, addr.indexOf('%')) : addr;
            if (!local.substring(colon + 1).equals(String.valueOf(port))) {
                continue;
            }
            boolean wildcard = addr.equals("0.0.0.0") || addr.equals("*") || addr.equals("[::]");
            if (ip.isEmpty() || wildcard || addr.equals(ip)) {
                return Optional.of("a process on this node already uses " + protocol + " port " + port + " on " + addr);
            }
        }
        return Optional.empty();
    }
}
