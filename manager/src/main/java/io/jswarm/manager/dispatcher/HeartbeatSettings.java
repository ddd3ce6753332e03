package io.jswarm.manager.dispatcher;

import io.jswarm.api.ClusterSpec;

/**
 * The failure detector's timing, read from the cluster settings with defaults for what is unset.
 *
 * <p>Defaults (see docs/failure-detection.md): a heartbeat every second, Down after 3 missed
 * periods (3 s), and after a leader change 2 × that (6 s) of UNKNOWN before Down. Docker uses
 * 5 s × 3; we keep swarmkit's multipliers and a shorter period so a dead worker's tasks move in
 * about 3 s, which only works because heartbeats never wait on the store (they did, and a busy
 * manager declared healthy nodes Down).
 *
 * @param heartbeatMs how often agents heartbeat
 * @param graceMs silence after which a node that was heard from is Down
 * @param unknownGraceMs silence after which a node not heard from since this leader started is Down
 */
public record HeartbeatSettings(long heartbeatMs, long graceMs, long unknownGraceMs) {
  public static final long DEFAULT_HEARTBEAT_MS = 1_000;
  public static final int DEFAULT_GRACE_MULTIPLIER = 3;
  public static final int DEFAULT_UNKNOWN_GRACE_MULTIPLIER = 2;

  public static final HeartbeatSettings DEFAULTS = of(ClusterSpec.getDefaultInstance());

  public static HeartbeatSettings of(ClusterSpec s) {
    long hb = s.getHeartbeatPeriodMs() > 0 ? s.getHeartbeatPeriodMs() : DEFAULT_HEARTBEAT_MS;
    long mult = s.getGraceMultiplier() > 0 ? s.getGraceMultiplier() : DEFAULT_GRACE_MULTIPLIER;
    long grace = s.getNodeDownGraceMs() > 0 ? s.getNodeDownGraceMs() : hb * mult;
    long unknown = s.getUnknownGraceMultiplier() > 0 ? s.getUnknownGraceMultiplier() : DEFAULT_UNKNOWN_GRACE_MULTIPLIER;
    return new HeartbeatSettings(hb, grace, grace * unknown);
  }
}
