package io.jswarm.chaos.workload;

/** A client (or probe) that runs on its own thread until stopped, bounded in operations and time. */
public interface Workload {
  String name();

  /** Creates what the workload needs before faults start (bounded; throws when the cluster is not usable). */
  void setUp();

  /** Runs until {@code stop} is set or its own bound is reached. */
  void run(java.util.concurrent.atomic.AtomicBoolean stop);
}
