package io.jswarm.cli.commands;

import io.jswarm.cli.CliException;

/** Parses a replica count the way Docker reports bad ones. */
final class Replicas {
  private Replicas() {}

  static long parse(String s) {
    try {
      long n = Long.parseLong(s.trim());
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new CliException("invalid replicas value \"" + s + "\": must be a non-negative integer", 125);
    }
  }
}
