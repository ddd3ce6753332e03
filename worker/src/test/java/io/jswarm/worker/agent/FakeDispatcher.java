package io.jswarm.worker.agent;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.Assignments;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.HeartbeatAck;
import io.jswarm.api.Task;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.WorkerMessage;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback Dispatcher for agent tests: records hellos and statuses, pushes assignments. */
final class FakeDispatcher implements AutoCloseable {
  final Map<String, TaskStatus> statuses = new ConcurrentHashMap<>();
  final List<TaskStatus> history = new java.util.concurrent.CopyOnWriteArrayList<>();
  final AtomicInteger hellos = new AtomicInteger();
  final AtomicInteger heartbeats = new AtomicInteger();
  private volatile StreamObserver<DispatcherMessage> worker;
  private volatile List<Task> tasks = List.of();
  private final Server server;

  FakeDispatcher() throws java.io.IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new DispatcherGrpc.DispatcherImplBase() {
          @Override
          public StreamObserver<WorkerMessage> session(StreamObserver<DispatcherMessage> out) {
            return new StreamObserver<>() {
              @Override
              public void onNext(WorkerMessage m) {
                switch (m.getMsgCase()) {
                  case HELLO -> {
                    hellos.incrementAndGet();
                    worker = out;
                    synchronized (out) {
                      out.onNext(DispatcherMessage.newBuilder()
                          .setHeartbeatAck(HeartbeatAck.newBuilder().setPeriodMs(200)).build());
                    }
                    push();
                  }
                  case HEARTBEAT -> heartbeats.incrementAndGet();
                  case STATUS -> m.getStatus().getUpdatesList().forEach(u -> {
                    history.add(u.getStatus()); // first: a test that saw the status finds it in the history
                    statuses.put(u.getTaskId(), u.getStatus());
                  });
                  default -> { }
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onCompleted();
              }
            };
          }
        }).build().start();
  }

  String addr() {
    return "127.0.0.1:" + server.getPort();
  }

  void assign(List<Task> t) {
    tasks = List.copyOf(t);
    push();
  }

  private void push() {
    StreamObserver<DispatcherMessage> w = worker;
    if (w != null) {
      synchronized (w) {
        try {
          w.onNext(DispatcherMessage.newBuilder().setAssignments(Assignments.newBuilder().addAllTasks(tasks)).build());
        } catch (RuntimeException e) {
          worker = null; // that session is gone; the next Hello gets the tasks
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
  }
}
