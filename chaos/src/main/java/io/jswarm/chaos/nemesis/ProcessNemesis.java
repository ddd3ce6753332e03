package io.jswarm.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Process faults on daemons: kill -9 or SIGTERM (healed by starting the daemon again with the
 * same arguments), SIGSTOP (healed by SIGCONT; held longer than the election timeout it looks dead
 * to its peers, then comes back with stale beliefs), and whole-cluster restarts, all at once or
 * staggered.
 */
public final class ProcessNemesis implements Nemesis {
  /** What is done to the chosen daemons. */
  public enum Action { KILL, TERM, STOP }

  private final String name;
  private final Action action;
  private final BiFunction<NemesisContext, String, List<String>> targets;
  private final List<String> hit = new ArrayList<>();
  private final Map<String, Long> stoppedPids = new java.util.HashMap<>();

  /** {@code targets}: (ctx, leader) → hosts. */
  public ProcessNemesis(String name, Action action, BiFunction<NemesisContext, String, List<String>> targets) {
    this.name = name;
    this.action = action;
    this.targets = targets;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized String inject(NemesisContext ctx) {
    List<String> hosts = targets.apply(ctx, ctx.leaderOrAny());
    List<String> done = new ArrayList<>();
    for (String h : hosts) {
      Optional<Long> pid = ctx.lab().daemonPid(h);
      if (pid.isEmpty()) continue;
      switch (action) {
        case KILL -> ctx.lab("kill", h);
        case TERM -> ctx.lab("stop", h);
        case STOP -> {
          ProcessHandle.of(pid.get()).ifPresent(p -> signal(p.pid(), "STOP"));
          stoppedPids.put(h, pid.get());
        }
      }
      hit.add(h);
      done.add(h);
    }
    return action.name().toLowerCase() + " " + String.join(",", done);
  }

  @Override
  public synchronized void heal(NemesisContext ctx) {
    List<Thread> starts = new ArrayList<>();
    for (String h : hit) {
      if (action == Action.STOP) {
        Long pid = stoppedPids.remove(h);
        if (pid != null) signal(pid, "CONT");
      } else if (ctx.lab().daemonPid(h).isEmpty()) {
        // all at once: a whole-cluster restart starts every daemon together
        Thread t = new Thread(() -> ctx.lab("start", h), "start-" + h);
        t.start();
        starts.add(t);
      }
    }
    for (Thread t : starts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    hit.clear();
  }

  static void signal(long pid, String sig) {
    io.jswarm.chaos.run.Shell.run(java.time.Duration.ofSeconds(10), "kill", "-" + sig, String.valueOf(pid));
  }
}
