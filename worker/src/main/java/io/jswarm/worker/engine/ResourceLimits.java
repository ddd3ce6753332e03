package io.jswarm.worker.engine;

/**
 * Cgroup limits of a container; 0 = unlimited. Memory includes swap (memory+swap = memory), as
 * Docker does when only --memory is given.
 *
 * @param nanoCpus CPU time as billionths of a CPU (CFS quota over a 100 ms period)
 */
public record ResourceLimits(long nanoCpus, long memoryBytes, long pids) {
  public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0);
  static final long CFS_PERIOD_US = 100_000;

  public boolean isNone() {
    return nanoCpus <= 0 && memoryBytes <= 0 && pids <= 0;
  }

  /** The CFS quota for {@link #CFS_PERIOD_US}, at least 1 ms as the kernel requires. */
  long cpuQuotaUs() {
    return Math.max(1_000, nanoCpus * CFS_PERIOD_US / 1_000_000_000L);
  }
}
