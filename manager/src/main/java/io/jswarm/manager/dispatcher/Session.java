package io.jswarm.manager.dispatcher;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.manager.network.NetworkStates;

/** One worker's stream. Sends are serialized: gRPC observers are not thread-safe. */
final class Session {
  private final ServerCallStreamObserver<DispatcherMessage> out;
  volatile String nodeId;
  /** The node id in the caller's certificate; null for in-process sessions. */
  volatile String caller;
  /**
   * Whether the complete sets went out; until then no change is sent (it would have nothing to
   * apply to). This and the two records below are guarded by the dispatcher's loop lock.
   */
  boolean greeted;
  final NodeAssignments assigned = new NodeAssignments();
  final NetworkStates.Sent networks = new NetworkStates.Sent();
  private DispatcherMessage lastNodeUpdate;
  private boolean closed;

  Session(ServerCallStreamObserver<DispatcherMessage> out) {
    this.out = out;
  }

  synchronized void send(DispatcherMessage m) {
    if (closed || out.isCancelled()) return;
    if (m.hasNodeUpdate()) lastNodeUpdate = m;
    out.onNext(m);
  }

  /** Node updates are full states; an unchanged one need not travel again. */
  synchronized void sendIfChanged(DispatcherMessage m) {
    if (m.hasNodeUpdate() && m.equals(lastNodeUpdate)) return;
    send(m);
  }

  synchronized boolean isClosed() {
    return closed || out.isCancelled();
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
