package io.jswarm.manager.control;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.manager.Manager;
import io.jswarm.store.RaftStore;
import io.jswarm.store.UnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads are linearizable (ReadIndex through the leader) or say they are not. A read whose
 * manager could not confirm leadership in time — no leader, no quorum, or a leader cut off in a
 * minority, whoever serves it — is either refused, when the client sent {@value #CONSISTENT_HEADER}
 * ({@code jswarm --consistent}), or served from this manager's copy with the header
 * {@value #HEADER} saying why it may be stale, which the CLI prints as a warning. Answers that
 * read the local copy without the read path are marked when this manager sees no leader.
 */
public final class StaleReadInterceptor implements ServerInterceptor {
  public static final String HEADER = "jswarm-stale";
  public static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
  public static final String CONSISTENT_HEADER = "jswarm-consistent";
  public static final Metadata.Key<String> CONSISTENT = Metadata.Key.of(CONSISTENT_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  /** One call's reads: whether the client asked for consistency, and why an answer may be stale. */
  private static final class ReadMark {
    final boolean consistent;
    volatile String stale;

    ReadMark(boolean consistent) {
      this.consistent = consistent;
    }
  }

  private static final Context.Key<ReadMark> MARK = Context.key("jswarm-read-mark");

  private final Supplier<Optional<Manager>> manager;

  public StaleReadInterceptor(Supplier<Optional<Manager>> manager) {
    this.manager = manager;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ReadMark mark = new ReadMark("true".equals(headers.get(CONSISTENT)));
    ServerCall<Q, R> marked = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendHeaders(Metadata h) {
        String why = mark.stale;
        if (why == null) {
          why = manager.get().filter(m -> m.store().leaderId().isEmpty())
              .map(m -> "no leader: this manager's state may be out of date").orElse(null);
        }
        if (why != null) h.put(KEY, ascii(why));
        super.sendHeaders(h);
      }
    };
    return Contexts.interceptCall(Context.current().withValue(MARK, mark), marked, headers, next);
  }

  /**
   * Readies {@code store} for a read in the current call: linearizable, else refused (consistent
   * calls: UNAVAILABLE, with what this manager sees) or marked stale for the answer's headers.
   */
  static RaftStore prepareRead(RaftStore store, Duration timeout) throws StatusException {
    ReadMark mark = MARK.get();
    try {
      Optional<String> stale = store.prepareRead(timeout, mark != null && mark.consistent);
      if (mark != null && stale.isPresent()) mark.stale = stale.get();
    } catch (UnavailableException e) {
      throw Status.UNAVAILABLE.withDescription(e.getMessage()).asException();
    }
    return store;
  }

  private static String ascii(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
