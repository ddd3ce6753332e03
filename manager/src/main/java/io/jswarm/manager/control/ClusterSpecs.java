package io.jswarm.manager.control;

import io.grpc.StatusException;
import io.jswarm.api.ClusterSpec;

/** Bounds of the cluster-wide settings; out-of-range values are refused, nothing is written. */
final class ClusterSpecs {
  private ClusterSpecs() {}

  static void validate(ClusterSpec s) throws StatusException {
    if (s.getHeartbeatPeriodMs() < 100 || s.getHeartbeatPeriodMs() > 3_600_000) {
      throw ServiceSpecs.invalid("heartbeat period must be between 100ms and 1h");
    }
    if (s.getNodeDownGraceMs() != 0 && s.getNodeDownGraceMs() < s.getHeartbeatPeriodMs()) {
      throw ServiceSpecs.invalid("node down grace must be at least one heartbeat period");
    }
    if (s.getGraceMultiplier() > 100) throw ServiceSpecs.invalid("grace multiplier must be between 1 and 100 heartbeat periods");
    if (s.getUnknownGraceMultiplier() > 20) {
      throw ServiceSpecs.invalid("unknown grace multiplier must be between 1 and 20 (times the node down grace)");
    }
    if (s.getTaskHistoryLimit() < 0 || s.getTaskHistoryLimit() > 1000) {
      throw ServiceSpecs.invalid("task history limit must be between 0 and 1000");
    }
    if (s.getSnapshotInterval() < 100) throw ServiceSpecs.invalid("snapshot interval must be at least 100 entries");
    if (s.getElectionTimeoutMs() < 200 || s.getElectionTimeoutMs() > 60_000) {
      throw ServiceSpecs.invalid("election timeout must be between 200ms and 60s");
    }
    try {
      io.jswarm.manager.network.PortRange.of(s);
    } catch (IllegalArgumentException e) {
      throw ServiceSpecs.invalid(e.getMessage());
    }
  }
}
