package io.jswarm.manager.dispatcher;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.jswarm.api.DispatcherMessage;

/** One worker's stream. Sends are serialized: gRPC observers are not thread-safe. */
final class Session {
  private final ServerCallStreamObserver<DispatcherMessage> out;
  volatile String nodeId;
  /** The node id in the caller's certificate; null for in-process sessions. */
  volatile String caller;
  private DispatcherMessage lastAssignments;
  private DispatcherMessage lastNodeUpdate;
  private DispatcherMessage lastNetworkState;
  private boolean closed;

  Session(ServerCallStreamObserver<DispatcherMessage> out) {
    this.out = out;
  }

  synchronized void send(DispatcherMessage m) {
    if (closed || out.isCancelled()) return;
    if (m.hasAssignments()) lastAssignments = m;
    if (m.hasNodeUpdate()) lastNodeUpdate = m;
    if (m.hasNetworkState()) lastNetworkState = m;
    out.onNext(m);
  }

  /** Assignments, node updates and network states are full states; an unchanged one need not travel again. */
  synchronized void sendIfChanged(DispatcherMessage m) {
    DispatcherMessage last = m.hasNodeUpdate() ? lastNodeUpdate : m.hasNetworkState() ? lastNetworkState : lastAssignments;
    if (m.equals(last)) return;
    send(m);
  }

  synchronized void close(Status status) {
    close(status, null);
  }

  /** Ends the stream with {@code status} and, on an error, {@code trailers} (may be null). */
  synchronized void close(Status status, io.grpc.Metadata trailers) {
    if (closed) return;
    closed = true;
    try {
      if (status.isOk()) out.onCompleted();
      else out.onError(status.asRuntimeException(trailers));
    } catch (IllegalStateException alreadyClosed) {
      // the call ended from the other side first
    }
  }
}
