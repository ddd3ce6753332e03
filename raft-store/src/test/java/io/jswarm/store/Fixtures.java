package io.jswarm.store;

import io.jswarm.api.Meta;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.StoreAction;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/** Objects, batches, ports and waiting, shared by the tests. */
final class Fixtures {
  private Fixtures() {}

  static Node node(String id) {
    return Node.newBuilder().setId(id).setSpec(NodeSpec.newBuilder().setName("host-" + id)).build();
  }

  static Service service(String id, String name) {
    return Service.newBuilder().setId(id).setSpec(ServiceSpec.newBuilder().setName(name)).build();
  }

  static Task task(String id, String serviceId, String nodeId) {
    return Task.newBuilder().setId(id).setServiceId(serviceId).setNodeId(nodeId).build();
  }

  static StoreObject so(Node n) {
    return StoreObject.newBuilder().setNode(n).build();
  }

  static StoreObject so(Service s) {
    return StoreObject.newBuilder().setService(s).build();
  }

  static StoreObject so(Task t) {
    return StoreObject.newBuilder().setTask(t).build();
  }

  static StoreAction create(StoreObject o) {
    return StoreAction.newBuilder().setKind(StoreAction.Kind.CREATE).setObject(o).build();
  }

  static StoreAction update(StoreObject o) {
    return StoreAction.newBuilder().setKind(StoreAction.Kind.UPDATE).setObject(o).build();
  }

  static StoreAction delete(StoreObject o) {
    return StoreAction.newBuilder().setKind(StoreAction.Kind.DELETE).setObject(o).build();
  }

  static StoreBatch batch(long atMs, StoreAction... actions) {
    StoreBatch.Builder b = StoreBatch.newBuilder().setProposedAtMs(atMs);
    for (StoreAction a : actions) {
      b.addActions(a);
    }
    return b.build();
  }

  static Meta version(long v) {
    return Meta.newBuilder().setVersion(v).build();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** Polls {@code condition} until it holds; fails the test with {@code what} at the deadline. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
