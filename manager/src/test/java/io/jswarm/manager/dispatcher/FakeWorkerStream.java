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

  /** The task ids of the node's set as the agent folds it (complete set, then changes), or null if none came. */
  List<String> lastAssignedTaskIds() {
    java.util.TreeSet<String> ids = null;
    for (DispatcherMessage m : received) {
      if (!m.hasAssignments()) continue;
      var a = m.getAssignments();
      if (a.getType() == io.jswarm.api.Assignments.Type.COMPLETE) ids = new java.util.TreeSet<>();
      if (ids == null) throw new AssertionError("changes before a complete set: " + a);
      ids.removeAll(a.getRemovedList());
      for (var t : a.getTasksList()) ids.add(t.getId());
    }
    return ids == null ? null : List.copyOf(ids);
  }

  /** The Assignments messages received so far. */
  List<io.jswarm.api.Assignments> assignments() {
    return received.stream().filter(DispatcherMessage::hasAssignments).map(DispatcherMessage::getAssignments).toList();
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
