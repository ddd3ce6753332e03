package io.jswarm.cli.commands;

import io.jswarm.api.Resources;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.UpdateConfig;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Durations;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * Flags that `service create` and `service update` share with the same meaning: resources,
 * max replicas per node, restart window, update and rollback configuration. Each one changes the
 * spec only when given.
 */
public final class SpecFlags {
  @Option(names = "--reserve-cpu", paramLabel = "CPUS", description = "Reserve CPUs (e.g. 0.5)") String reserveCpu;
  @Option(names = "--reserve-memory", paramLabel = "BYTES", description = "Reserve memory (e.g. 64m, 1g)") String reserveMemory;
  @Option(names = "--limit-cpu", paramLabel = "CPUS", description = "Limit CPUs (e.g. 1.5)") String limitCpu;
  @Option(names = "--limit-memory", paramLabel = "BYTES", description = "Limit memory (e.g. 16m)") String limitMemory;
  @Option(names = "--limit-pids", paramLabel = "N", description = "Limit the number of processes (0 = unlimited)") String limitPids;
  @Option(names = "--replicas-max-per-node", paramLabel = "N", description = "Maximum number of tasks per node (0 = unlimited)") String maxPerNode;
  @Option(names = "--restart-window", description = "Window used to evaluate the restart policy (e.g. 1m)") String restartWindow;
  @Option(names = "--update-parallelism", paramLabel = "N", description = "Maximum number of tasks updated simultaneously (0 to update all at once; default 1)") String updateParallelism;
  @Option(names = "--update-delay", description = "Delay between updates (e.g. 10s)") String updateDelay;
  @Option(names = "--update-failure-action", description = "Action on update failure: pause, continue, rollback (default pause)") String updateFailureAction;
  @Option(names = "--update-monitor", description = "Duration after each task update to monitor for failure (default 5s)") String updateMonitor;
  @Option(names = "--update-max-failure-ratio", description = "Failure rate to tolerate during an update (0..1)") String updateMaxFailureRatio;
  @Option(names = "--update-order", description = "Update order: stop-first, start-first (default stop-first)") String updateOrder;
  @Option(names = "--rollback-parallelism", paramLabel = "N", description = "Maximum number of tasks rolled back simultaneously") String rollbackParallelism;
  @Option(names = "--rollback-delay", description = "Delay between task rollbacks") String rollbackDelay;
  @Option(names = "--rollback-failure-action", description = "Action on rollback failure: pause, continue") String rollbackFailureAction;
  @Option(names = "--rollback-monitor", description = "Duration after each task rollback to monitor for failure") String rollbackMonitor;
  @Option(names = "--rollback-max-failure-ratio", description = "Failure rate to tolerate during a rollback") String rollbackMaxFailureRatio;
  @Option(names = "--rollback-order", description = "Rollback order: stop-first, start-first") String rollbackOrder;

  @Option(names = "--health-cmd", description = "Command to run to check health (run with /bin/sh -c)") String healthCmd;
  @Option(names = "--health-interval", description = "Time between running the check (default 30s)") String healthInterval;
  @Option(names = "--health-timeout", description = "Maximum time to allow one check to run (default 30s)") String healthTimeout;
  @Option(names = "--health-retries", paramLabel = "N", description = "Consecutive failures needed to report unhealthy (default 3)") String healthRetries;
  @Option(names = "--health-start-period", description = "Start period: failures then do not count (default 0s)") String healthStartPeriod;
  @Option(names = "--no-healthcheck", description = "Disable any container-specified HEALTHCHECK") boolean noHealthcheck;

  private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

  void apply(ServiceSpec.Builder spec) {
    var task = spec.getTaskBuilder();
    Resources.Builder res = task.getResourcesBuilder().getReservationsBuilder();
    if (reserveCpu != null) res.setNanoCpus(cpus("--reserve-cpu", reserveCpu));
    if (reserveMemory != null) res.setMemoryBytes(bytes("--reserve-memory", reserveMemory));
    Resources.Builder lim = task.getResourcesBuilder().getLimitsBuilder();
    if (limitCpu != null) lim.setNanoCpus(cpus("--limit-cpu", limitCpu));
    if (limitMemory != null) lim.setMemoryBytes(bytes("--limit-memory", limitMemory));
    if (limitPids != null) lim.setPids(count("--limit-pids", limitPids));
    if (maxPerNode != null) task.getPlacementBuilder().setMaxReplicas(count("--replicas-max-per-node", maxPerNode));
    if (restartWindow != null) task.getRestartBuilder().setWindowMs(duration("--restart-window", restartWindow));
    var h = task.getContainerBuilder().getHealthcheckBuilder();
    if (noHealthcheck) {
      if (healthCmd != null) throw new CliException("--no-healthcheck conflicts with --health-* options", 125);
      h.clearTest().addTest("NONE");
    }
    if (healthCmd != null) h.clearTest().addTest("CMD-SHELL").addTest(healthCmd);
    if (healthInterval != null) h.setIntervalMs(duration("--health-interval", healthInterval));
    if (healthTimeout != null) h.setTimeoutMs(duration("--health-timeout", healthTimeout));
    if (healthRetries != null) h.setRetries(count("--health-retries", healthRetries));
    if (healthStartPeriod != null) h.setStartPeriodMs(duration("--health-start-period", healthStartPeriod));
    update("update", spec.getUpdateConfigBuilder(), updateParallelism, updateDelay, updateFailureAction,
        updateMonitor, updateMaxFailureRatio, updateOrder);
    update("rollback", spec.getRollbackConfigBuilder(), rollbackParallelism, rollbackDelay, rollbackFailureAction,
        rollbackMonitor, rollbackMaxFailureRatio, rollbackOrder);
  }

  private static void update(String which, UpdateConfig.Builder u, String parallelism, String delay, String action,
      String monitor, String ratio, String order) {
    if (parallelism != null) u.setParallelism(count("--" + which + "-parallelism", parallelism)).setParallelismSet(true);
    if (delay != null) u.setDelayMs(duration("--" + which + "-delay", delay));
    if (monitor != null) u.setMonitorMs(duration("--" + which + "-monitor", monitor)).setMonitorSet(true);
    if (action != null) {
      u.setFailureAction(switch (action.toLowerCase(Locale.ROOT)) {
        case "pause" -> UpdateConfig.FailureAction.PAUSE;
        case "continue" -> UpdateConfig.FailureAction.CONTINUE;
        case "rollback" -> {
          if (which.equals("rollback")) throw bad("--rollback-failure-action", action, "use pause or continue");
          yield UpdateConfig.FailureAction.ROLLBACK;
        }
        default -> throw bad("--" + which + "-failure-action", action, "use pause, continue or rollback");
      });
    }
    if (ratio != null) {
      double r;
      try {
        r = Double.parseDouble(ratio);
      } catch (NumberFormatException e) {
        throw bad("--" + which + "-max-failure-ratio", ratio, "use a number between 0 and 1");
      }
      if (!(r >= 0 && r <= 1)) throw bad("--" + which + "-max-failure-ratio", ratio, "use a number between 0 and 1");
      u.setMaxFailureRatio(r);
    }
    if (order != null) {
      u.setOrder(switch (order.toLowerCase(Locale.ROOT)) {
        case "stop-first" -> UpdateConfig.Order.STOP_FIRST;
        case "start-first" -> UpdateConfig.Order.START_FIRST;
        default -> throw bad("--" + which + "-order", order, "use stop-first or start-first");
      });
    }
  }

  static long cpus(String flag, String v) {
    try {
      BigDecimal d = new BigDecimal(v.trim());
      if (d.signum() < 0) throw bad(flag, v, "must not be negative");
      return d.movePointRight(9).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad(flag, v, "use a number of CPUs, e.g. 0.5");
    }
  }

  static long bytes(String flag, String v) {
    if (v.trim().startsWith("-")) throw bad(flag, v, "must not be negative");
    Matcher m = BYTES.matcher(v.trim());
    if (!m.matches()) throw bad(flag, v, "use a size such as 512k, 64m or 1g");
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValue();
  }

  static long count(String flag, String v) {
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) throw bad(flag, v, "must not be negative");
      return n;
    } catch (NumberFormatException e) {
      throw bad(flag, v, "use a whole number");
    }
  }

  static long duration(String flag, String v) {
    if (v.trim().startsWith("-")) throw bad(flag, v, "must not be negative");
    try {
      return Durations.parseMillis(v.trim());
    } catch (IllegalArgumentException e) {
      throw bad(flag, v, "use a duration such as 500ms, 10s or 1m");
    }
  }

  static CliException bad(String flag, String v, String what) {
    return new CliException("invalid " + flag + " \"" + v + "\": " + what, 125);
  }
}
