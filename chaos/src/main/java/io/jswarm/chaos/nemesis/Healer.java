package io.jswarm.chaos.nemesis;

import io.jswarm.chaos.run.LabTarget;
import java.util.List;

/**
 * Undoes every fault any nemesis can leave, whatever happened to the run: each nemesis's own heal
 * first, then the blunt instruments (every chaos nft table deleted, every daemon SIGCONTed, every
 * daemon that is down started). Registered as a shutdown hook for the run, so Ctrl-C heals too.
 */
public final class Healer {
  private Healer() {}

  public static void healAll(NemesisContext ctx, List<Nemesis> nemeses) {
    for (Nemesis n : nemeses) {
      try {
        n.heal(ctx);
      } catch (RuntimeException e) {
        ctx.log().accept("heal of " + n.name() + " failed: " + e);
      }
    }
    LabTarget lab = ctx.lab();
    Nft.clearAll(lab);
    for (String h : lab.hosts()) {
      lab.daemonPid(h).ifPresent(pid -> ProcessNemesis.signal(pid, "CONT"));
    }
    for (String h : lab.hosts()) {
      if (lab.daemonPid(h).isEmpty()) ctx.lab("start", h);
    }
  }
}
