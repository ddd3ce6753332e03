package io.jswarm.chaos.nemesis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Network partitions with nftables in the hosts' namespaces. {@code grouping} splits the hosts
 * (given the leader) into components that cannot talk to each other; a direction limits the
 * cut to what a side receives ({@code INBOUND}) or sends ({@code OUTBOUND}) — an asymmetric link.
 */
public final class PartitionNemesis implements Nemesis {
  /** Which packets the cut drops, seen from the first component. */
  public enum Direction { BOTH, INBOUND, OUTBOUND }

  private final String name;
  private final Direction direction;
  private final BiFunction<NemesisContext, String, List<Set<String>>> grouping;
  private final Set<String> touched = new HashSet<>();

  public PartitionNemesis(String name, Direction direction, BiFunction<NemesisContext, String, List<Set<String>>> grouping) {
    this.name = name;
    this.direction = direction;
    this.grouping = grouping;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized String inject(NemesisContext ctx) {
    List<Set<String>> groups = grouping.apply(ctx, ctx.leaderOrAny());
    cut(ctx, groups);
    return groups.toString() + (direction == Direction.BOTH ? "" : " " + direction.name().toLowerCase() + " to " + groups.get(0));
  }

  /** Applies the cut between GROUPS (used again by random halves). */
  synchronized void cut(NemesisContext ctx, List<Set<String>> groups) {
    for (String h : ctx.lab().hosts()) {
      Set<String> others = new HashSet<>(ctx.lab().hosts());
      int mine = -1;
      for (int g = 0; g < groups.size(); g++) {
        if (groups.get(g).contains(h)) mine = g;
      }
      if (mine < 0) continue;
      others.removeAll(groups.get(mine));
      if (others.isEmpty()) continue;
      String set = Nft.addrSet(ctx.lab(), others);
      List<String> in = new ArrayList<>();
      List<String> out = new ArrayList<>();
      boolean first = mine == 0;
      switch (direction) {
        case BOTH -> {
          in.add("ip saddr " + set + " drop");
          out.add("ip daddr " + set + " drop");
        }
        // asymmetric: the first component receives nothing from the others (or sends nothing),
        // the others keep their own direction open
        case INBOUND -> { if (first) in.add("ip saddr " + set + " drop"); }
        case OUTBOUND -> { if (first) out.add("ip daddr " + set + " drop"); }
      }
      if (in.isEmpty() && out.isEmpty()) {
        Nft.clear(ctx.lab(), h);
        continue;
      }
      Nft.apply(ctx.lab(), h, in, out);
      touched.add(h);
    }
  }

  @Override
  public synchronized void heal(NemesisContext ctx) {
    for (String h : touched) Nft.clear(ctx.lab(), h);
    touched.clear();
  }

  /** The leader alone against everyone else (a minority partition around the leader). */
  public static List<Set<String>> isolate(NemesisContext ctx, String host) {
    Set<String> rest = new HashSet<>(ctx.lab().hosts());
    rest.remove(host);
    return List.of(Set.of(host), rest);
  }

  /** The leader with a minority of managers (fewer than a quorum), the rest with the others. */
  public static List<Set<String>> leaderInMinority(NemesisContext ctx, String leader) {
    return isolate(ctx, leader);
  }

  /**
   * The leader with a bare majority of managers; the other managers cut off with half the workers.
   * With 3 managers: {leader, one follower, some workers} | {other follower, other workers}.
   */
  public static List<Set<String>> leaderInMajority(NemesisContext ctx, String leader) {
    List<String> followers = new ArrayList<>(ctx.lab().managers());
    followers.remove(leader);
    java.util.Collections.shuffle(followers, ctx.rnd());
    int quorum = ctx.lab().managers().size() / 2 + 1;
    Set<String> a = new HashSet<>();
    a.add(leader);
    a.addAll(followers.subList(0, Math.max(0, quorum - 1)));
    Set<String> b = new HashSet<>(followers.subList(Math.max(0, quorum - 1), followers.size()));
    for (String w : ctx.lab().workers()) (ctx.rnd().nextBoolean() ? a : b).add(w);
    return List.of(a, b);
  }

  /** A random split of all hosts in two non-empty halves. */
  public static List<Set<String>> randomHalves(NemesisContext ctx) {
    List<String> all = new ArrayList<>(ctx.lab().hosts());
    java.util.Collections.shuffle(all, ctx.rnd());
    int cut = Math.max(1, all.size() / 2);
    return List.of(new HashSet<>(all.subList(0, cut)), new HashSet<>(all.subList(cut, all.size())));
  }
}
