package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.jswarm.store.ConflictException;
import io.jswarm.store.EntryTooLargeException;
import io.jswarm.store.UnavailableException;

/** The one place where internal failures become gRPC status codes. */
final class Errors {
  private Errors() {}

  static StatusException toStatus(Throwable e) {
    if (e instanceof StatusException se) return se;
    if (e instanceof io.grpc.StatusRuntimeException sre) return sre.getStatus().asException(sre.getTrailers());
    if (e instanceof ConflictException) {
      return Status.ABORTED.withDescription("update out of sequence: the object changed meanwhile; read it again and retry (" + e.getMessage() + ")").asException();
    }
    if (e instanceof EntryTooLargeException) {
      return Status.RESOURCE_EXHAUSTED.withDescription("the change is too large for one write: " + e.getMessage()).asException();
    }
    if (e instanceof UnavailableException) {
      return Status.UNAVAILABLE.withDescription("the swarm cannot accept writes now (no quorum or no leader): "
          + e.getMessage()).asException();
    }
    if (e instanceof IllegalArgumentException) return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
    return Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).withCause(e).asException();
  }

  interface Call<T> {
    T run() throws Exception;
  }

  static <T> void unary(StreamObserver<T> out, Call<T> call) {
    T result;
    try {
      result = call.run();
    } catch (Throwable e) {
      out.onError(toStatus(e));
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }
}
