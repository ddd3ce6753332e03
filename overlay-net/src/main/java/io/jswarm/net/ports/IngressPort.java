package io.jswarm.net.ports;

import java.util.List;

/**
 * A port published through the ingress routing mesh, as this node serves it.
 *
 * @param localBackends  task addresses on this node's local bridge
 * @param remoteBackends task addresses on the ingress overlay, reached through this host's ingress leg
 * @param snatIp         this node's own ingress-network address; required when only remote backends exist
 */
public record IngressPort(String protocol, int publishedPort, int targetPort,
                          List<String> localBackends, List<String> remoteBackends, String snatIp) {
    public IngressPort {
        protocol = Protocols.require(protocol);
        Protocols.requirePort(publishedPort, "published port");
        Protocols.requirePort(targetPort, "target port");
        localBackends = List.copyOf(localBackends == null ? List.of() : localBackends);
        remoteBackends = List.copyOf(remoteBackends == null ? List.of() : remoteBackends);
        localBackends.forEach(ip -> Ipv4.requireAddress(ip, "local backend"));
        remoteBackends.forEach(ip -> Ipv4.requireAddress(ip, "remote backend"));
        if (localBackends.isEmpty() && !remoteBackends.isEmpty()) {
            Ipv4.requireAddress(snatIp, "ingress SNAT address (needed for remote-only backends)");
        }
    }

    /** The backends traffic actually goes to; see {@link PortRules} for why local ones win. */
    List<String> chosenBackends() {
        return localBackends.isEmpty() ? remoteBackends : localBackends;
    }

    boolean snatted() {
        return localBackends.isEmpty() && !remoteBackends.isEmpty();
    }
}
