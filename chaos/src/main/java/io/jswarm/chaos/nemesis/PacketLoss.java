package io.jswarm.chaos.nemesis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Random packet loss between lab hosts with nft's {@code numgen random}: every host drops the given
 * percentage of what it receives from the other hosts (so a round trip loses about twice that).
 */
public final class PacketLoss implements Nemesis {
  private final int percent;
  private final Set<String> touched = new HashSet<>();

  public PacketLoss(int percent) {
    if (percent < 1 || percent > 99) throw new IllegalArgumentException("packet loss must be 1..99 %");
    this.percent = percent;
  }

  @Override
  public String name() {
    return "loss-" + percent;
  }

  @Override
  public synchronized String inject(NemesisContext ctx) {
    Set<String> all = new HashSet<>(ctx.lab().hosts());
    for (String h : ctx.lab().hosts()) {
      Set<String> others = new HashSet<>(all);
      others.remove(h);
      if (others.isEmpty()) continue;
      Nft.apply(ctx.lab(), h, List.of("ip saddr " + Nft.addrSet(ctx.lab(), others) + " numgen random mod 100 < " + percent + " drop"),
          List.of());
      touched.add(h);
    }
    return percent + " % of packets dropped on receipt at every host";
  }

  @Override
  public synchronized void heal(NemesisContext ctx) {
    for (String h : touched) Nft.clear(ctx.lab(), h);
    touched.clear();
  }
}
