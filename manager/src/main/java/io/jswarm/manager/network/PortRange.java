package io.jswarm.manager.network;

import io.jswarm.api.ClusterSpec;
import io.jswarm.store.StoreView;

/** The cluster's range for published ports given no number, from {@code swarm update --dynamic-port-range}. */
public record PortRange(int lo, int hi) {
  public static final PortRange DEFAULT = new PortRange(30000, 32767);

  public PortRange {
    if (lo < 1 || hi > 65535 || lo > hi) throw new IllegalArgumentException("port range " + lo + "-" + hi + " is not within 1-65535 with LO <= HI");
  }

  /** "LO-HI"; empty means the default. */
  public static PortRange parse(String s) {
    if (s == null || s.isBlank()) return DEFAULT;
    String[] p = s.trim().split("-", 2);
    try {
      if (p.length != 2) throw new NumberFormatException();
      return new PortRange(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port range \"" + s + "\": use LO-HI, e.g. 30000-32767");
    }
  }

  public static PortRange of(ClusterSpec spec) {
    return parse(spec.getDynamicPortRange());
  }

  public static PortRange of(StoreView v) {
    return v.cluster().map(c -> of(c.getSpec())).orElse(DEFAULT);
  }

  @Override
  public String toString() {
    return lo + "-" + hi;
  }
}
