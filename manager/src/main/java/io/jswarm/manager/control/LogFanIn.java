package io.jswarm.manager.control;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.jswarm.api.ContainerLogsRequest;
import io.jswarm.api.EngineGrpc;
import io.jswarm.api.LogLine;
import io.jswarm.api.Node;
import io.jswarm.api.ServiceLogsRequest;
import io.jswarm.api.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gathers the log streams of a service's tasks from the nodes that run them into one stream.
 * The call ends when every node's stream has ended (or at once, for follow, when the client
 * goes away: every node stream is cancelled with it).
 */
final class LogFanIn {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final java.util.function.Function<String, ManagedChannel> dial;

  /** @param dial opens a channel to a node's cluster port (mutual TLS with this node's certificate) */
  LogFanIn(java.util.function.Function<String, ManagedChannel> dial) {
    this.dial = dial;
  }

  private ManagedChannel channel(String addr) {
    return channels.computeIfAbsent(addr, dial);
  }

  void stream(List<Task> tasks, Map<String, Node> nodes, ServiceLogsRequest req, ServerCallStreamObserver<LogLine> out) {
    if (tasks.isEmpty()) {
      out.onCompleted();
      return;
    }
    AtomicInteger open = new AtomicInteger(tasks.size());
    List<ClientCallStreamObserver<?>> calls = new ArrayList<>();
    Object lock = new Object();
    out.setOnCancelHandler(() -> {
      synchronized (calls) {
        for (ClientCallStreamObserver<?> c : calls) c.cancel("client went away", null);
      }
    });
    for (Task t : tasks) {
      Node n = nodes.get(t.getNodeId());
      String addr = n == null ? "" : n.getStatus().getAddr();
      if (addr.isEmpty()) {
        if (open.decrementAndGet() == 0) out.onCompleted();
        continue;
      }
      ContainerLogsRequest r = ContainerLogsRequest.newBuilder()
          .setContainerId(t.getId()).setTaskId(t.getId())
          .setFollow(req.getFollow()).setTail(req.getTail()).build();
      EngineGrpc.newStub(channel(addr)).containerLogs(r, new ClientResponseObserver<ContainerLogsRequest, LogLine>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<ContainerLogsRequest> call) {
          synchronized (calls) {
            calls.add(call);
          }
        }

        @Override
        public void onNext(LogLine l) {
          synchronized (lock) {
            if (out.isCancelled()) return;
            out.onNext(l.toBuilder().setTaskId(t.getId()).setSlot(t.getSlot()).setNodeId(t.getNodeId())
                .setServiceName(t.getServiceName())
                .setNodeName(n.getSpec().getName()).build());
          }
        }

        @Override
        public void onError(Throwable e) {
          // A node that is gone or a container already removed ends only its own part.
          done();
        }

        @Override
        public void onCompleted() {
          done();
        }

        private void done() {
          if (open.decrementAndGet() == 0) {
            synchronized (lock) {
              if (!out.isCancelled()) out.onCompleted();
            }
          }
        }
      });
    }
  }

  void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }

}
