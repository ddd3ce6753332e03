package io.jswarm.manager.control;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.jswarm.manager.Manager;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads are served from this manager's own copy of the state. When it sees no leader (quorum
 * lost, or an election under way) that copy may be behind: every answer then carries the
 * header {@value #HEADER} so the client can say so.
 */
public final class StaleReadInterceptor implements ServerInterceptor {
  public static final String HEADER = "jswarm-stale";
  public static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
  private final Supplier<Optional<Manager>> manager;

  public StaleReadInterceptor(Supplier<Optional<Manager>> manager) {
    this.manager = manager;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendHeaders(Metadata h) {
        manager.get().ifPresent(m -> {
          if (m.store().leaderId().isEmpty()) h.put(KEY, "no leader: this manager's state may be out of date");
        });
        super.sendHeaders(h);
      }
    }, headers);
  }
}
