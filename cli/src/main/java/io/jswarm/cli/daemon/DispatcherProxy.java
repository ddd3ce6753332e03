package io.jswarm.cli.daemon;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.WorkerMessage;
import io.jswarm.manager.dispatcher.Dispatcher;

/**
 * The Dispatcher service is registered when the server starts, before the node knows whether
 * it will be a manager; this forwards to the manager's dispatcher once there is one.
 */
final class DispatcherProxy extends DispatcherGrpc.DispatcherImplBase {
  private volatile Dispatcher target;

  void set(Dispatcher d) {
    target = d;
  }

  @Override
  public StreamObserver<WorkerMessage> session(StreamObserver<DispatcherMessage> out) {
    Dispatcher d = target;
    if (d == null) {
      out.onError(Status.UNAVAILABLE.withDescription("this node is not a swarm manager").asRuntimeException());
      return new StreamObserver<>() {
        @Override public void onNext(WorkerMessage m) { }
        @Override public void onError(Throwable t) { }
        @Override public void onCompleted() { }
      };
    }
    return d.session(out);
  }
}
