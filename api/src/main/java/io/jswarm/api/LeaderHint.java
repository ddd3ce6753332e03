package io.jswarm.api;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * A manager that refuses a worker's Session because it is not the leader names the leader's
 * dispatcher address in a trailer, so the agent's next attempt goes there instead of trying
 * managers in turn with growing backoff: after a leader change every node must reach the new
 * leader within its UNKNOWN grace, or its tasks move.
 */
public final class LeaderHint {
  private LeaderHint() {}

  public static final Metadata.Key<String> KEY = Metadata.Key.of("jswarm-leader-addr", Metadata.ASCII_STRING_MARSHALLER);

  /** The hinted address in a failed call's trailers, or null. */
  public static String from(Throwable t) {
    Metadata m = Status.trailersFromThrowable(t);
    return m == null ? null : m.get(KEY);
  }
}
