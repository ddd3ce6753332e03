package io.jswarm.chaos.run;

import io.jswarm.chaos.nemesis.ClockSkew;
import io.jswarm.chaos.nemesis.Nemesis;
import io.jswarm.chaos.nemesis.PacketLoss;
import io.jswarm.chaos.nemesis.PartitionNemesis;
import io.jswarm.chaos.nemesis.PartitionNemesis.Direction;
import io.jswarm.chaos.nemesis.ProcessNemesis;
import io.jswarm.chaos.nemesis.ProcessNemesis.Action;
import io.jswarm.chaos.nemesis.RandomHalves;
import io.jswarm.chaos.nemesis.StaggeredRestart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of named scenarios ({@code jswarm chaos list}) and the schedule-file format.
 * Held faults on managers last longer than the election timeout, so an election happens.
 */
public final class Scenarios {
  private Scenarios() {}

  private static final Map<String, Scenario> ALL = new LinkedHashMap<>();

  private static void add(Scenario s) {
    ALL.put(s.name(), s);
  }

  private static Scenario.Step step(Nemesis n, int hold, int gap) {
    return new Scenario.Step(n, hold, gap);
  }

  /** Every nemesis by the name a schedule file uses. */
  static Nemesis nemesis(String name) {
    return switch (name) {
      case "kill-leader" -> new ProcessNemesis(name, Action.KILL, (c, l) -> List.of(l));
      case "kill-follower" -> new ProcessNemesis(name, Action.KILL, (c, l) -> List.of(c.followerOf(l)));
      case "term-leader" -> new ProcessNemesis(name, Action.TERM, (c, l) -> List.of(l));
      case "pause-leader" -> new ProcessNemesis(name, Action.STOP, (c, l) -> List.of(l));
      case "pause-worker" -> new ProcessNemesis(name, Action.STOP, (c, l) -> List.of(c.anyWorker()));
      case "kill-worker" -> new ProcessNemesis(name, Action.KILL, (c, l) -> List.of(c.anyWorker()));
      case "restart-all" -> new ProcessNemesis(name, Action.KILL, (c, l) -> c.lab().hosts());
      case "restart-workers" -> new ProcessNemesis(name, Action.KILL, (c, l) -> c.lab().workers());
      case "kill-leader-and-worker" -> new ProcessNemesis(name, Action.KILL, (c, l) -> List.of(l, c.anyWorker()));
      case "restart-staggered" -> new StaggeredRestart();
      case "isolate-leader" -> new PartitionNemesis(name, Direction.BOTH, PartitionNemesis::leaderInMinority);
      case "isolate-follower" -> new PartitionNemesis(name, Direction.BOTH, (c, l) -> PartitionNemesis.isolate(c, c.followerOf(l)));
      case "partition-leader-majority" -> new PartitionNemesis(name, Direction.BOTH, PartitionNemesis::leaderInMajority);
      case "partition-quorum-loss" -> new PartitionNemesis(name, Direction.BOTH, (c, l) -> {
        List<java.util.Set<String>> g = new ArrayList<>();
        for (String h : c.lab().hosts()) g.add(java.util.Set.of(h)); // every host alone
        return g;
      });
      case "inbound-leader" -> new PartitionNemesis(name, Direction.INBOUND, PartitionNemesis::leaderInMinority);
      case "outbound-leader" -> new PartitionNemesis(name, Direction.OUTBOUND, PartitionNemesis::leaderInMinority);
      case "isolate-worker" -> new PartitionNemesis(name, Direction.BOTH, (c, l) -> PartitionNemesis.isolate(c, c.anyWorker()));
      case "random-halves" -> new RandomHalves(5_000);
      case "loss-10" -> new PacketLoss(10);
      case "loss-30" -> new PacketLoss(30);
      case "clock-skew-leader" -> new ClockSkew(300, true);
      case "clock-skew-follower" -> new ClockSkew(-300, false);
      default -> throw new IllegalArgumentException("no nemesis " + name + " (one of: " + String.join(", ", NEMESES) + ")");
    };
  }

  static final List<String> NEMESES = List.of("kill-leader", "kill-follower", "term-leader", "pause-leader", "pause-worker",
      "kill-worker", "restart-all", "restart-workers", "kill-leader-and-worker", "restart-staggered", "isolate-leader",
      "isolate-follower", "partition-leader-majority", "partition-quorum-loss", "inbound-leader", "outbound-leader",
      "isolate-worker", "random-halves", "loss-10", "loss-30", "clock-skew-leader", "clock-skew-follower");

  static {
    add(new Scenario("leader-kill", "F-1", "a new leader within seconds; acknowledged writes survive; the killed node rejoins",
        () -> List.of(step(nemesis("kill-leader"), 15, 20))));
    add(new Scenario("follower-kill", "F-2", "no interruption of writes (a quorum remains); the follower catches up",
        () -> List.of(step(nemesis("kill-follower"), 15, 15))));
    add(new Scenario("minority-partition", "F-4",
        "the isolated leader steps down, the majority elects another; no split brain, nothing acknowledged lost",
        () -> List.of(step(nemesis("isolate-leader"), 20, 20))));
    add(new Scenario("majority-partition", "F-4",
        "the leader keeps a quorum and serves on; the cut-off manager catches up after heal",
        () -> List.of(step(nemesis("partition-leader-majority"), 20, 20))));
    add(new Scenario("quorum-loss", "F-5",
        "writes fail or stay indeterminate while no quorum exists; workers keep their containers; service resumes after heal"
            + " (recovery with --force-new-cluster is not scripted here)",
        () -> List.of(step(nemesis("partition-quorum-loss"), 20, 30))));
    add(new Scenario("asymmetric", "F-6", "one-way links around the leader: at most one leader serves; nothing acknowledged lost",
        () -> List.of(step(nemesis("inbound-leader"), 20, 20), step(nemesis("outbound-leader"), 20, 20))));
    add(new Scenario("random-halves", "F-7", "partitions that change every 5 s for 60 s: safety holds throughout, service resumes after",
        () -> List.of(step(nemesis("random-halves"), 60, 30))));
    add(new Scenario("packet-loss", "F-8",
        "10 % then 30 % loss between all hosts: slower, still safe (latency via a delaying proxy is not built: this kernel has no netem)",
        () -> List.of(step(nemesis("loss-10"), 20, 10), step(nemesis("loss-30"), 20, 20))));
    add(new Scenario("clock-skew", "F-9", "a manager's wall clock 5 minutes off (libfaketime): Raft uses monotonic time, safety holds",
        () -> List.of(step(nemesis("clock-skew-follower"), 20, 20), step(nemesis("clock-skew-leader"), 20, 20))));
    add(new Scenario("leader-pause", "F-11", "SIGSTOP of the leader past the election timeout: a new leader; the old one, resumed, steps down",
        () -> List.of(step(nemesis("pause-leader"), 15, 20))));
    add(new Scenario("worker-pause", "F-11", "SIGSTOP of a worker: its tasks are rescheduled after the grace; no slot runs twice after heal",
        () -> List.of(step(nemesis("pause-worker"), 20, 25))));
    add(new Scenario("worker-partition", "F-13",
        "a worker cut off: its tasks replaced elsewhere; after heal no slot runs twice and no IP is held twice",
        () -> List.of(step(nemesis("isolate-worker"), 25, 25))));
    add(new Scenario("whole-cluster-restart", "F-16", "every daemon killed and started together: state intact, services converge",
        () -> List.of(step(nemesis("restart-all"), 5, 40))));
    add(new Scenario("staggered-restart", "F-16", "managers restarted one by one, leader last: no loss of service",
        () -> List.of(step(nemesis("restart-staggered"), 1, 20))));
    add(new Scenario("leader-kill-worker-down", "F-19", "leader and a worker killed together: election, then the worker's tasks move",
        () -> List.of(step(nemesis("kill-leader-and-worker"), 20, 25))));
    add(new Scenario("workers-restart", "F-20", "all workers killed and restarted at once: containers re-adopted or replaced, no slot twice",
        () -> List.of(step(nemesis("restart-workers"), 5, 30))));
    add(new Scenario("term-leader", "F-1", "SIGTERM of the leader: a clean handover", () -> List.of(step(nemesis("term-leader"), 10, 20))));
    String notBuilt = "not built yet in this harness";
    add(new Scenario("follower-wipe", "F-3", "a follower's data wiped, re-added", List::of, notBuilt + " (needs node rm + re-join)"));
    add(new Scenario("disk-full", "F-10", "a manager's data root full during writes", List::of,
        notBuilt + " (needs the data root on a size-capped tmpfs at lab up)"));
    add(new Scenario("rolling-update-worker-loss", "F-12", "worker loss during a rolling update", List::of, notBuilt));
    add(new Scenario("registry-crash-mid-upload", "F-14", "SIGKILL of a manager during a push", List::of,
        notBuilt + " (the lab runs without the built-in registry by default; a push workload is not written)"));
    add(new Scenario("corrupted-blob", "F-15", "a flipped byte in a stored blob is refused by workers", List::of, notBuilt));
    add(new Scenario("membership-change-under-fault", "F-17", "add a manager under fault", List::of, notBuilt));
    add(new Scenario("leadership-transfer-storm", "F-18", "repeated leadership transfers under load", List::of,
        notBuilt + " (the Control API offers no leadership transfer)"));
  }

  /** Names of every scenario, in catalogue order. */
  public static Map<String, Scenario> all() {
    return java.util.Collections.unmodifiableMap(ALL);
  }

  public static Scenario named(String name) {
    Scenario s = ALL.get(name);
    if (s == null) throw new IllegalArgumentException("no scenario " + name + " (jswarm chaos list shows them)");
    return s;
  }

  /**
   * A schedule file: one fault per line, {@code NEMESIS HOLD_SECONDS [GAP_SECONDS]}; {@code #}
   * starts a comment. E.g. {@code kill-leader 15 20}.
   */
  public static Scenario fromFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read schedule " + file + ": " + e.getMessage());
    }
    List<String[]> parsed = new ArrayList<>();
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.replaceAll("#.*", "").strip();
      if (line.isEmpty()) continue;
      String[] w = line.split("\\s+");
      if (w.length < 2 || w.length > 3) throw new IllegalArgumentException(file + ":" + n + ": want NEMESIS HOLD_SECONDS [GAP_SECONDS]");
      nemesis(w[0]); // fails early on an unknown name
      for (int i = 1; i < w.length; i++) {
        if (!w[i].matches("\\d{1,4}")) throw new IllegalArgumentException(file + ":" + n + ": not a number of seconds: " + w[i]);
      }
      parsed.add(w);
    }
    if (parsed.isEmpty()) throw new IllegalArgumentException("schedule " + file + " has no faults");
    return new Scenario(file.getFileName().toString(), "-", "as scheduled in " + file, () -> parsed.stream()
        .map(w -> step(nemesis(w[0]), Integer.parseInt(w[1]), w.length > 2 ? Integer.parseInt(w[2]) : 15)).toList());
  }
}
