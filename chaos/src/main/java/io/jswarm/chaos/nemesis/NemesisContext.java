package io.jswarm.chaos.nemesis;

import io.jswarm.chaos.run.Clients;
import io.jswarm.chaos.run.LabTarget;
import io.jswarm.chaos.run.Shell;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/** What a nemesis acts on: the lab, the daemons' APIs, the run's seeded randomness and its log. */
public record NemesisContext(LabTarget lab, Clients clients, Random rnd, Consumer<String> log) {
  /** deploy/lab/lab CMD HOST on this lab, with extra environment (e.g. libfaketime's). */
  public Shell.Result lab(Map<String, String> env, String cmd, String host) {
    Map<String, String> e = new java.util.HashMap<>(env);
    e.put("JSWARM_LAB_DIR", lab.dir().toString());
    Shell.Result r = Shell.run(Duration.ofMinutes(4), e, List.of(lab.labScript().toString(), cmd, host));
    if (!r.ok()) log.accept("lab " + cmd + " " + host + " failed (" + r.exit() + "): " + r.out().strip());
    if (cmd.equals("start")) clients.reset(host);
    return r;
  }

  public Shell.Result lab(String cmd, String host) {
    return lab(Map.of(), cmd, host);
  }

  /** The leader's host, waiting (bounded) through an election; a random manager when none shows. */
  public String leaderOrAny() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      var l = clients.leader();
      if (l.isPresent()) return l.get();
      try {
        Thread.sleep(250); // poll interval of a bounded wait for an election
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<String> m = lab.managers();
    return m.get(rnd.nextInt(m.size()));
  }

  public String followerOf(String leader) {
    List<String> f = lab.managers().stream().filter(h -> !h.equals(leader)).toList();
    return f.isEmpty() ? leader : f.get(rnd.nextInt(f.size()));
  }

  public String anyWorker() {
    List<String> w = lab.workers();
    if (w.isEmpty()) throw new IllegalStateException("the lab has no workers");
    return w.get(rnd.nextInt(w.size()));
  }
}
