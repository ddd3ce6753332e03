package io.jswarm.chaos.nemesis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A per-daemon wall-clock offset with Debian's libfaketime: the daemon is restarted with
 * {@code LD_PRELOAD=libfaketime} and {@code FAKETIME=+Ns} (monotonic clocks left alone, so only
 * what reads the wall clock — timestamps, certificate validity, leases computed from it — sees the
 * skew), and restarted again without it on heal. A restart is part of the fault: libfaketime can
 * only enter a process at exec.
 */
public final class ClockSkew implements Nemesis {
  static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
  private final long offsetSeconds;
  private final boolean leader;
  private String host;

  public ClockSkew(long offsetSeconds, boolean leader) {
    this.offsetSeconds = offsetSeconds;
    this.leader = leader;
  }

  @Override
  public String name() {
    return "clock-skew";
  }

  @Override
  public synchronized String inject(NemesisContext ctx) {
    if (!Files.isReadable(LIB)) {
      throw new UnsupportedOperationException("libfaketime is not installed (" + LIB + "; apt-get install faketime)");
    }
    String l = ctx.leaderOrAny();
    host = leader ? l : ctx.followerOf(l);
    ctx.lab("stop", host);
    ctx.lab(Map.of("LD_PRELOAD", LIB.toString(), "FAKETIME", (offsetSeconds >= 0 ? "+" : "") + offsetSeconds + "s",
        "FAKETIME_DONT_FAKE_MONOTONIC", "1", "FAKETIME_NO_CACHE", "1"), "start", host);
    return host + " restarted with its wall clock " + (offsetSeconds >= 0 ? "+" : "") + offsetSeconds + " s";
  }

  @Override
  public synchronized void heal(NemesisContext ctx) {
    if (host == null) return;
    ctx.lab("stop", host);
    ctx.lab("start", host);
    host = null;
  }
}
