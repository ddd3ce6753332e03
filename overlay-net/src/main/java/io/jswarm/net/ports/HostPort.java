package io.jswarm.net.ports;

/**
 * A port published in host mode: only this node answers, straight to one local task.
 *
 * @param hostIp "" to publish on every address of the node, else only on that address
 */
public record HostPort(String protocol, String hostIp, int publishedPort, String targetIp, int targetPort) {
    public HostPort {
        protocol = Protocols.require(protocol);
        hostIp = hostIp == null ? "" : hostIp;
        if (!hostIp.isEmpty()) {
            Ipv4.requireAddress(hostIp, "host IP");
        }
        Protocols.requirePort(publishedPort, "published port");
        Ipv4.requireAddress(targetIp, "target IP");
        Protocols.requirePort(targetPort, "target port");
    }
}
