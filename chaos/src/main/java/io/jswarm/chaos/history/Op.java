package io.jswarm.chaos.history;

/**
 * One line of a history, Jepsen's shape: a client {@code process} logs {@code INVOKE} before it
 * calls and exactly one completion after: {@code OK} (it happened, with its result), {@code FAIL}
 * (it certainly did not happen) or {@code INFO} (indeterminate: a timeout or a lost connection,
 * it may have happened or may still happen). {@code nanos} is monotonic (System.nanoTime relative
 * to the run's start), so histories are immune to wall-clock faults on the checking machine.
 *
 * @param f what was done: {@code read}, {@code write}, {@code cas}, {@code create}, {@code update},
 *          {@code scale}, {@code rm}, {@code push}, {@code pull}
 * @param key the object it was done to (a register's service name, a service, a repository)
 * @param value the value written, the value read (on completion), or a cas's new value
 * @param expect a cas's expected value
 */
public record Op(int process, Type type, String f, String key, String value, String expect, long nanos, String error) {
  /** The four kinds of history entry. */
  public enum Type { INVOKE, OK, FAIL, INFO }

  public static Op invoke(int process, String f, String key, String value, String expect, long nanos) {
    return new Op(process, Type.INVOKE, f, key, value, expect, nanos, null);
  }

  /** The completion of {@code invoke}, with the value a read saw (or the invoked value). */
  public Op complete(Type t, String value, long nanos, String error) {
    return new Op(process, t, f, key, value, expect, nanos, error);
  }
}
