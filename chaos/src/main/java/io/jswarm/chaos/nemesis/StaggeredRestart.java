package io.jswarm.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;

/**
 * Restarts every manager one after another (SIGTERM, start, wait until it answers), the leader
 * last: a rolling upgrade's shape. The cluster keeps a quorum throughout; heal has nothing left to
 * do unless a start failed.
 */
public final class StaggeredRestart implements Nemesis {
  private final List<String> pending = new ArrayList<>();

  @Override
  public String name() {
    return "restart-staggered";
  }

  @Override
  public synchronized String inject(NemesisContext ctx) {
    String leader = ctx.leaderOrAny();
    List<String> order = new ArrayList<>(ctx.lab().managers());
    order.remove(leader);
    order.add(leader);
    for (String h : order) {
      pending.add(h);
      ctx.lab("stop", h);
      if (ctx.lab("start", h).ok()) pending.remove(h);
    }
    return "restarted " + String.join(",", order) + " in turn";
  }

  @Override
  public synchronized void heal(NemesisContext ctx) {
    for (String h : pending) {
      if (ctx.lab().daemonPid(h).isEmpty()) ctx.lab("start", h);
    }
    pending.clear();
  }
}
