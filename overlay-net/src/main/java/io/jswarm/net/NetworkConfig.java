package io.jswarm.net;

/**
 * What the data path needs to know about one overlay network; the same on every worker.
 *
 * @param networkId cluster id of the network (informational here; the VNI names the kernel state)
 * @param vni VXLAN network identifier, 1..2^24-1
 * @param subnet CIDR, e.g. "10.0.1.0/24"
 * @param gateway address put on the sandbox bridge; containers' default route and DNS server
 * @param mtu MTU of the bridge, the VXLAN device and container interfaces (underlay MTU - 50)
 */
public record NetworkConfig(String networkId, int vni, String subnet, String gateway, int mtu) {
  public NetworkConfig {
    if (vni < 1 || vni > 0xFFFFFF) {
      throw new IllegalArgumentException("VNI out of range: " + vni);
    }
    if (mtu < 68 || mtu > 65535) {
      throw new IllegalArgumentException("MTU out of range: " + mtu);
    }
    Addresses.prefixLength(subnet);
    Addresses.ipv4(gateway);
  }

  public int prefixLength() {
    return Addresses.prefixLength(subnet);
  }

  /** An address of this network with the network's prefix, as "ip addr" wants it. */
  public String withPrefix(String ip) {
    return Addresses.ipv4(ip) + "/" + prefixLength();
  }
}
