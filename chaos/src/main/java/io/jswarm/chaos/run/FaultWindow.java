package io.jswarm.chaos.run;

/** One injected fault: what, on whom, from injection until healed (monotonic ns since the run began). */
public record FaultWindow(String nemesis, String targets, long injectedNanos, long healedNanos, String error) {}
