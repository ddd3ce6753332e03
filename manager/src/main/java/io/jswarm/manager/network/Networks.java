package io.jswarm.manager.network;

import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.Service;
import io.jswarm.net.ipam.Cidr;
import io.jswarm.net.ipam.Ipam;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creating and removing overlay networks: validation with messages a user can act on, and the
 * allocation of subnet, gateway, VNI and MTU from what the store already holds. Runs inside a
 * store transaction, so two creates racing on one manager or two see each other (and the
 * store's apply-time claims stop whatever slips through).
 */
public final class Networks {
  public static final String INGRESS = "ingress";
  /** Docker's ingress subnet. */
  public static final String INGRESS_SUBNET = "10.255.0.0/16";
  public static final int UNDERLAY_MTU = 1500;
  /** VXLAN over IPv4 costs 50 bytes of each underlay packet. */
  public static final int VXLAN_OVERHEAD = 50;
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
  private static final Set<String> RESERVED = Set.of("host", "none", "bridge", "default");
  private static final Set<String> KNOWN_OPTS = Set.of("mtu", "encrypted", "com.docker.network.driver.mtu");

  private Networks() {}

  /**
   * Refusal of {@code --opt encrypted}, on every kernel: jswarm installs no ESP keys or policies
   * yet, so accepting the option would carry the network's traffic in plaintext (fail open).
   */
  public static final String ENCRYPTED_REFUSED = "cannot create an encrypted overlay network: encryption of overlay "
      + "traffic (IPsec ESP) is not implemented yet, and jswarm never carries an encrypted network in plaintext. "
      + "Create the network without --opt encrypted, and protect the underlay (a private link or VPN) if its traffic must be confidential";

  /** The network to store for {@code spec}, or IllegalArgumentException saying what is wrong. */
  public static Network allocate(StoreView v, String id, NetworkSpec spec) {
    String name = spec.getName();
    if (name.isEmpty()) throw new IllegalArgumentException("a network name is required");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid network name \"" + name + "\": use letters, digits, '_', '.', '-' (at most 63)");
    }
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException("\"" + name + "\" is a predefined network mode; choose another name");
    }
    if (v.networkByName(name).isPresent()) {
      throw new IllegalArgumentException("network with name " + name + " already exists");
    }
    String driver = spec.getDriver().isEmpty() ? "overlay" : spec.getDriver();
    if (!driver.equals("overlay")) {
      throw new IllegalArgumentException("driver \"" + driver + "\" is not supported: swarm networks use the overlay driver (-d overlay)");
    }
    for (String k : spec.getOptionsMap().keySet()) {
      if (!KNOWN_OPTS.contains(k)) throw new IllegalArgumentException("unknown network option \"" + k + "\" (known: mtu, encrypted)");
    }
    if (spec.getOptionsMap().containsKey("encrypted")) throw new IllegalArgumentException(ENCRYPTED_REFUSED);
    int mtu = UNDERLAY_MTU - VXLAN_OVERHEAD;
    String mtuOpt = spec.getOptionsMap().getOrDefault("mtu", spec.getOptionsMap().get("com.docker.network.driver.mtu"));
    if (mtuOpt != null) {
      try {
        mtu = Integer.parseInt(mtuOpt);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("mtu \"" + mtuOpt + "\" is not a number");
      }
      if (mtu < 576 || mtu > UNDERLAY_MTU - VXLAN_OVERHEAD) {
        throw new IllegalArgumentException("mtu " + mtu + " is outside 576.." + (UNDERLAY_MTU - VXLAN_OVERHEAD)
            + " (the underlay's " + UNDERLAY_MTU + " less " + VXLAN_OVERHEAD + " bytes of VXLAN)");
      }
    }
    List<Cidr> taken = new ArrayList<>();
    Set<Integer> vnis = new HashSet<>();
    for (Network n : v.networks()) {
      if (!n.getSubnet().isEmpty()) taken.add(Cidr.parse(n.getSubnet()));
      vnis.add(n.getVni());
    }
    Cidr subnet;
    if (!spec.getSubnet().isEmpty()) {
      subnet = Cidr.parse(spec.getSubnet());
      if (subnet.prefix() > 29) throw new IllegalArgumentException("subnet " + subnet + " is too small: use /29 or larger");
      if (subnet.prefix() < 8) throw new IllegalArgumentException("subnet " + subnet + " is too large: use /8 or smaller");
      for (Network n : v.networks()) {
        if (!n.getSubnet().isEmpty() && Cidr.parse(n.getSubnet()).overlaps(subnet)) {
          throw new IllegalArgumentException("subnet " + subnet + " overlaps " + n.getSubnet() + " of network " + n.getSpec().getName());
        }
      }
    } else {
      if (!spec.getGateway().isEmpty()) throw new IllegalArgumentException("--gateway needs --subnet");
      subnet = Ipam.nextSubnet(Ipam.DEFAULT_POOL, Ipam.DEFAULT_SUBNET_PREFIX, taken).orElseThrow(() ->
          new IllegalArgumentException("the default address pool 10.0.0.0/8 is exhausted; give --subnet"));
    }
    long gw;
    if (!spec.getGateway().isEmpty()) {
      gw = Cidr.parseIp(spec.getGateway());
      if (gw < subnet.firstHost() || gw > subnet.lastHost()) {
        throw new IllegalArgumentException("gateway " + spec.getGateway() + " is not a host address of subnet " + subnet);
      }
    } else {
      gw = subnet.firstHost();
    }
    return Network.newBuilder().setId(id).setSpec(spec.toBuilder().setDriver(driver))
        .setSubnet(subnet.toString()).setGateway(Cidr.format(gw)).setVni(Ipam.nextVni(vnis)).setMtu(mtu).build();
  }

  /** The ingress network's spec (created on first use of an ingress-published port). */
  public static NetworkSpec ingressSpec() {
    return NetworkSpec.newBuilder().setName(INGRESS).setDriver("overlay").setSubnet(INGRESS_SUBNET).setIngress(true).build();
  }

  /** Services that use network {@code id}: a network in use cannot be removed. */
  public static List<String> usedBy(StoreView v, String id) {
    List<String> out = new ArrayList<>();
    for (Service s : v.services()) {
      for (NetworkAttachmentConfig a : s.getSpec().getTask().getNetworksList()) {
        if (a.getTarget().equals(id)) {
          out.add(s.getSpec().getName());
          break;
        }
      }
      if (!out.contains(s.getSpec().getName())) {
        for (var vip : s.getEndpoint().getVirtualIpsList()) {
          if (vip.getNetworkId().equals(id)) {
            out.add(s.getSpec().getName());
            break;
          }
        }
      }
    }
    return out;
  }

  /** Options shown to users and their meaning, for `network inspect`. */
  public static Map<String, String> describe(Network n) {
    return Map.of("subnet", n.getSubnet(), "gateway", n.getGateway(), "vni", String.valueOf(n.getVni()), "mtu", String.valueOf(n.getMtu()));
  }
}
