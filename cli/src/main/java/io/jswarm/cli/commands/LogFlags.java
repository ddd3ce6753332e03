package io.jswarm.cli.commands;

import io.jswarm.api.LogDriver;
import io.jswarm.cli.CliException;
import java.util.List;
import java.util.Set;

/** {@code --log-driver} and {@code --log-opt KEY=VALUE}, checked here so a typo fails at once. */
final class LogFlags {
  private static final Set<String> DRIVERS = Set.of("json-file", "local", "k8s-file");
  private static final Set<String> OPTIONS = Set.of("max-size", "max-file");

  private LogFlags() {}

  static LogDriver parse(String driver, List<String> opts) {
    LogDriver.Builder b = LogDriver.newBuilder().setName(driver == null ? "json-file" : driver);
    if (!DRIVERS.contains(b.getName())) {
      throw new CliException("log driver \"" + b.getName() + "\" is not supported: use json-file, local or k8s-file", 125);
    }
    for (String o : opts) {
      int eq = o.indexOf('=');
      String k = eq < 0 ? o : o.substring(0, eq);
      if (eq < 0 || !OPTIONS.contains(k)) {
        throw new CliException("invalid --log-opt \"" + o + "\": use max-size=SIZE or max-file=N", 125);
      }
      b.putOptions(k, o.substring(eq + 1));
    }
    return b.build();
  }
}
