package io.jswarm.chaos.check;

import java.util.Objects;

/**
 * The sequential model a register history is checked against: a single value with read, write
 * and compare-and-set. A cas whose outcome is unknown (indeterminate) may have applied or not.
 */
final class Register {
  private Register() {}

  /** The state after applying {@code op} to {@code state}, or null when {@code op} cannot happen in {@code state}. */
  static String step(String state, Call op) {
    switch (op.f()) {
      case "read":
        return Objects.equals(state, op.output()) ? state : null;
      case "write":
        return op.input();
      case "cas":
        boolean matches = Objects.equals(state, op.expect());
        if (op.output() == null) return matches ? op.input() : state; // unknown outcome
        if (op.output().equals("true")) return matches ? op.input() : null;
        return matches ? null : state;
      default:
        throw new IllegalArgumentException("a register has no operation " + op.f());
    }
  }

  /** One completed (or indeterminate) call: input written, output read ("true"/"false" for a cas; null = unknown). */
  record Call(int id, String f, String input, String expect, String output, long call, long ret) {}
}
