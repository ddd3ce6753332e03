package io.jswarm.manager.dispatcher;

import io.grpc.Status;
import io.jswarm.api.DispatcherMessage;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The dispatcher's end of one worker's stream, recording what the dispatcher sends. */
final class FakeWorkerStream extends ServerCallStreamObserver<DispatcherMessage> {
  final List<DispatcherMessage> received = new CopyOnWriteArrayList<>();
  volatile Status closedWith;
  volatile io.grpc.Metadata trailers;

  @Override
  public void onNext(DispatcherMessage m) {
    received.add(m);
  }

  @Override
  public void onError(Throwable t) {
    trailers = Status.trailersFromThrowable(t);
    closedWith = Status.fromThrowable(t);
  }

  @Override
  public void onCompleted() {
    closedWith = Status.OK;
  }

  /** The task ids of the last Assignments message, or null if none came. */
  List<String> lastAssignedTaskIds() {
    for (int i = received.size() - 1; i >= 0; i--) {
      if (received.get(i).hasAssignments()) {
        return received.get(i).getAssignments().getTasksList().stream().map(t -> t.getId()).sorted().toList();
      }
    }
    return null;
  }

  @Override public boolean isCancelled() { return false; }
  @Override public void setOnCancelHandler(Runnable r) { }
  @Override public void setCompression(String c) { }
  @Override public boolean isReady() { return true; }
  @Override public void setOnReadyHandler(Runnable r) { }
  @Override public void disableAutoInboundFlowControl() { }
  @Override public void request(int n) { }
  @Override public void setMessageCompression(boolean enable) { }
}
