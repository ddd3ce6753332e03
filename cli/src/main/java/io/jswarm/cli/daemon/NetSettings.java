package io.jswarm.cli.daemon;

/**
 * The daemon's networking options.
 *
 * @param bridge the node-local bridge's name, "" for one derived from the node id, or "none":
 *     tasks then get no bridge leg (no outbound NAT, no host-mode ports), as `dockerd --bridge=none`
 * @param bridgeSubnet the bridge's subnet
 * @param vxlanPort UDP port of the overlay's VXLAN traffic
 */
public record NetSettings(String bridge, String bridgeSubnet, int vxlanPort) {
  public static final NetSettings DEFAULT = new NetSettings("", "172.30.0.0/16", 4789);

  /** Set by `jswarm daemon` from its flags before the daemon starts. */
  static volatile NetSettings current = DEFAULT;

  boolean bridgeEnabled() {
    return !"none".equals(bridge);
  }
}
