package io.jswarm.pki;

import io.grpc.Context;
import java.util.Optional;

/**
 * The verified identity of the caller of the current gRPC call, set by {@link AuthorizingInterceptor}.
 * Handlers that act "for the caller" (a heartbeat, a leave, a renewal) take the node id from here,
 * never from the request. Empty on the local unix socket, whose callers are root on this node.
 */
public final class CallerIdentity {
  static final Context.Key<PeerIdentity> KEY = Context.key("jswarm.caller");

  private CallerIdentity() {}

  public static Optional<PeerIdentity> current() {
    return Optional.ofNullable(KEY.get());
  }
}
