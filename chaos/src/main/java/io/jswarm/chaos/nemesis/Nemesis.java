package io.jswarm.chaos.nemesis;

/**
 * A fault with its cure. {@link #inject} returns what it did (which hosts, how); {@link #heal}
 * undoes exactly that and is idempotent. Every nemesis is bounded in time by the scenario (inject,
 * hold, heal), and {@link Healer} undoes every kind of fault on exit, Ctrl-C included.
 */
public interface Nemesis {
  String name();

  /** Injects the fault; returns a description of the targets. */
  String inject(NemesisContext ctx);

  void heal(NemesisContext ctx);
}
