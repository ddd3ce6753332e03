package io.jswarm.chaos.run;

import io.jswarm.chaos.nemesis.Nemesis;
import java.util.List;
import java.util.function.Supplier;

/**
 * A named fault schedule: the faults (each held for {@code hold} seconds, then healed, then
 * {@code gap} seconds of quiet for the cluster to recover) repeated until the run's duration is
 * used up. {@code expected} is what the cluster should do, said up front; {@code fault} the issue's
 * F-number. A scenario that cannot run on this machine says why in {@code unsupported}.
 */
public record Scenario(String name, String fault, String expected, Supplier<List<Step>> steps, String unsupported) {
  /** One fault of the schedule. */
  public record Step(Nemesis nemesis, int holdSeconds, int gapSeconds) {}

  public Scenario(String name, String fault, String expected, Supplier<List<Step>> steps) {
    this(name, fault, expected, steps, null);
  }
}
