package io.jswarm.chaos.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jswarm chaos}: fault schedules against a running lab cluster, with histories and checkers.
 * Exit status: 0 every check passed; 2 a safety checker failed (something acknowledged was lost, a
 * history is not linearizable, a slot ran twice); 3 no safety violation but a check could not
 * decide or the cluster did not recover within the bound; 1 the run could not be made.
 */
@Command(name = "chaos", description = "Fault-injection runs against a lab cluster, with checked histories.",
    subcommands = {ChaosCommand.Run.class, ChaosCommand.ListScenarios.class})
public final class ChaosCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** {@code jswarm chaos list}. */
  @Command(name = "list", description = "The named scenarios, their fault (F-n) and what the cluster should do.")
  public static final class ListScenarios implements Runnable {
    @Override
    public void run() {
      for (Scenario s : Scenarios.all().values()) {
        System.out.printf("%-28s %-5s %s%s%n", s.name(), s.fault(), s.expected(),
            s.unsupported() == null ? "" : "  [not run: " + s.unsupported() + "]");
      }
      System.out.println("schedule-file nemeses: " + String.join(" ", Scenarios.NEMESES));
    }
  }

  /** {@code jswarm chaos run}. */
  @Command(name = "run", description = "Run a scenario (or all, or a schedule file) against the lab and check the histories.")
  public static final class Run implements Callable<Integer> {
    @Option(names = "--lab", paramLabel = "DIR", description = "The lab's directory (default: $JSWARM_LAB_DIR or /tmp/jswarm-lab)")
    Path lab;

    @Option(names = "--scenario", paramLabel = "NAME", description = "A scenario from `jswarm chaos list`, or all")
    String scenario;

    @Option(names = "--schedule", paramLabel = "FILE", description = "Lines of NEMESIS HOLD_SECONDS [GAP_SECONDS]")
    Path schedule;

    @Option(names = "--seed", description = "Seed of every random choice (default: the clock)")
    Long seed;

    @Option(names = "--duration", defaultValue = "5m", description = "Per scenario, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--report", paramLabel = "DIR", description = "Where the report goes (default: ./chaos-report-<time>)")
    Path report;

    @Option(names = "--clients", defaultValue = "3", description = "Register clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--no-services", description = "No service create/scale/rm workload (no containers)")
    boolean noServices;

    @Override
    public Integer call() throws Exception {
      if ((scenario == null) == (schedule == null)) throw new IllegalArgumentException("give one of --scenario NAME|all or --schedule FILE");
      Duration d = parseDuration(duration);
      if (clients < 1 || clients > 20) throw new IllegalArgumentException("--clients must be 1..20");
      List<Scenario> runs = new ArrayList<>();
      if (schedule != null) {
        runs.add(Scenarios.fromFile(schedule));
      } else if (scenario.equals("all")) {
        runs.addAll(Scenarios.all().values());
      } else {
        runs.add(Scenarios.named(scenario));
      }
      Path dir = lab != null ? lab : Path.of(System.getenv().getOrDefault("JSWARM_LAB_DIR", "/tmp/jswarm-lab"));
      LabTarget target = LabTarget.open(dir);
      if (!"0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")))) {
        throw new IllegalArgumentException("jswarm chaos needs root (it enters the lab's network namespaces and signals its daemons)");
      }
      long s = seed != null ? seed : System.currentTimeMillis();
      Path out = report != null ? report : Path.of("chaos-report-" + Instant.now().toString().replace(':', '-'));
      ChaosRun.Options o = ChaosRun.Options.defaults();
      o = new ChaosRun.Options(clients, o.registers(), !noServices, o.opTimeout(), o.recoveryBound(), o.linearizabilityBudget());
      List<Verdict> verdicts = new ArrayList<>();
      for (Scenario sc : runs) {
        System.err.println("== " + sc.name() + " (" + sc.fault() + "), seed " + s + ", " + d.toSeconds() + " s");
        Verdict v;
        try {
          v = new ChaosRun(target, sc, s, d, o, m -> System.err.println("  " + Instant.now() + " " + m)).run();
        } catch (RuntimeException e) {
          System.err.println("  " + sc.name() + " could not run: " + e.getMessage());
          v = Verdict.unsupported(sc, s, "could not run: " + e.getMessage());
        }
        verdicts.add(v);
        Report.write(runs.size() == 1 ? out : out.resolve(sc.name()), v);
      }
      String summary = Report.summary(verdicts);
      Files.createDirectories(out);
      Files.writeString(out.resolve(runs.size() == 1 ? "summary.txt" : "summary-all.txt"), summary);
      System.out.print(summary);
      System.out.println("report: " + out.toAbsolutePath());
      if (verdicts.stream().anyMatch(v -> !v.safe())) return 2;
      boolean couldNotRun = verdicts.stream().anyMatch(v -> v.unsupported() != null && v.unsupported().startsWith("could not run"));
      if (couldNotRun) return 1;
      return verdicts.stream().allMatch(v -> v.unsupported() != null || v.allPassed()) ? 0 : 3;
    }
  }

  /** 90s, 5m, 1h, or a bare number of seconds. */
  static Duration parseDuration(String s) {
    var m = java.util.regex.Pattern.compile("(\\d{1,6})([smh]?)").matcher(s.strip());
    if (!m.matches()) throw new IllegalArgumentException("bad duration " + s + " (e.g. 90s, 5m, 1h)");
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.toSeconds() < 10) throw new IllegalArgumentException("duration " + s + " is too short (at least 10s)");
    return d;
  }
}
