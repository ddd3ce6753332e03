package io.jswarm.chaos.check;

import java.util.List;

/**
 * One checker's verdict. {@code safety} checkers failing mean the cluster broke a promise (exit
 * non-zero); liveness ones mean it did not recover within the bound.
 */
public record Check(String name, Status status, boolean safety, String detail, List<String> violations) {
  /** PASS, FAIL, or UNKNOWN (a checker that could not decide, e.g. its budget ran out). */
  public enum Status { PASS, FAIL, UNKNOWN }

  public static Check pass(String name, boolean safety, String detail) {
    return new Check(name, Status.PASS, safety, detail, List.of());
  }

  public static Check fail(String name, boolean safety, String detail, List<String> violations) {
    return new Check(name, Status.FAIL, safety, detail, violations.size() > 50 ? violations.subList(0, 50) : violations);
  }
}
