package io.jswarm.chaos.run;

import io.jswarm.chaos.check.Check;
import io.jswarm.chaos.history.Op;
import io.jswarm.chaos.workload.Probe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything a run found: its faults, its history, and the checkers' verdicts. */
public record Verdict(String scenario, String fault, String expected, long seed, Duration duration, List<FaultWindow> faults,
    List<Check> checks, List<Op> ops, List<Probe.Sample> samples, Duration recovery, String unsupported) {

  static Verdict unsupported(Scenario s, long seed, String why) {
    return new Verdict(s.name(), s.fault(), s.expected(), seed, Duration.ZERO, List.of(), List.of(), List.of(), List.of(), null, why);
  }

  /** No safety checker failed (UNKNOWN is not a failure, but is reported). */
  public boolean safe() {
    return checks.stream().noneMatch(c -> c.safety() && c.status() == Check.Status.FAIL);
  }

  public boolean allPassed() {
    return unsupported == null && checks.stream().allMatch(c -> c.status() == Check.Status.PASS);
  }

  /** Completions by type (ok / fail / info) over all client operations. */
  public Map<String, Integer> outcomes() {
    Map<String, Integer> m = new TreeMap<>(Map.of("ok", 0, "fail", 0, "info", 0));
    for (Op o : ops) {
      if (o.type() != Op.Type.INVOKE) m.merge(o.type().name().toLowerCase(), 1, Integer::sum);
    }
    return m;
  }

  public List<String> violations() {
    return checks.stream().filter(c -> c.status() == Check.Status.FAIL)
        .flatMap(c -> c.violations().isEmpty() ? java.util.stream.Stream.of(c.name() + ": " + c.detail())
            : c.violations().stream().map(v -> c.name() + ": " + v)).toList();
  }
}
