package io.jswarm.store;

import io.jswarm.api.Endpoint;
import io.jswarm.api.Meta;
import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.PortConfig;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.StoreAction;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreObject;
import io.jswarm.api.StoreObject.ObjectCase;
import io.jswarm.api.StoreRead;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.VirtualIp;
import java.util.List;
import java.util.Random;

/**
 * Random batches over a small universe of ids, names, addresses and ports, so that batches often
 * collide: stale versions, taken names and addresses, overlapping subnets, double slot fills,
 * stale reads and stale terms. Versions are mostly taken from the store the batch is aimed at,
 * so that most batches apply and the state grows.
 */
final class RandomBatches {
  private static final List<ObjectCase> KINDS =
      List.of(ObjectCase.NODE, ObjectCase.SERVICE, ObjectCase.TASK, ObjectCase.TASK, ObjectCase.TASK, ObjectCase.NETWORK);
  private static final List<TaskState> OBSERVED =
      List.of(TaskState.PENDING, TaskState.ASSIGNED, TaskState.RUNNING, TaskState.RUNNING, TaskState.FAILED, TaskState.COMPLETE);
  private static final List<TaskState> DESIRED = List.of(TaskState.RUNNING, TaskState.RUNNING, TaskState.SHUTDOWN, TaskState.REMOVE);

  private final Random rnd;

  RandomBatches(long seed) {
    this.rnd = new Random(seed);
  }

  /** A batch aimed at {@code target}'s state, for an entry appended in {@code entryTerm}. */
  StoreBatch next(ObjectStore target, long entryTerm) {
    StoreBatch.Builder b = StoreBatch.newBuilder().setProposedAtMs(1_000 + rnd.nextInt(1_000));
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      StoreObject o = object(KINDS.get(rnd.nextInt(KINDS.size())));
      StoreObject current = target.get(o.getObjectCase(), StoreObjects.id(o)).orElse(null);
      int k = rnd.nextInt(10);
      if (current == null || k < 2) {
        b.addActions(StoreAction.newBuilder().setKind(StoreAction.Kind.CREATE).setObject(o));
      } else {
        long version = rnd.nextInt(12) == 0 ? rnd.nextInt(5) : StoreObjects.version(current);
        StoreObject v = StoreObjects.withMeta(o, Meta.newBuilder().setVersion(version).build());
        b.addActions(StoreAction.newBuilder()
            .setKind(k < 8 ? StoreAction.Kind.UPDATE : StoreAction.Kind.DELETE).setObject(v));
      }
    }
    if (rnd.nextInt(4) == 0) {
      StoreObject o = object(KINDS.get(rnd.nextInt(KINDS.size())));
      long seen = target.get(o.getObjectCase(), StoreObjects.id(o)).map(StoreObjects::version).orElse(0L);
      b.addReads(StoreRead.newBuilder().setKind(o.getObjectCase().getNumber()).setId(StoreObjects.id(o))
          .setVersion(rnd.nextInt(8) == 0 ? rnd.nextInt(5) : seen));
    }
    if (rnd.nextInt(5) == 0) {
      // a list read: mostly the fingerprint the target has now, sometimes an older one
      ObjectCase kind = KINDS.get(rnd.nextInt(KINDS.size()));
      long[] seen = target.fingerprint(kind);
      boolean stale = rnd.nextInt(6) == 0;
      b.addReads(StoreRead.newBuilder().setKind(kind.getNumber())
          .setCount(stale ? Math.max(0, seen[0] - 1) : seen[0]).setVersion(seen[1]));
    }
    int t = rnd.nextInt(20);
    b.setTerm(t < 10 ? 0 : t < 19 ? entryTerm : Math.max(1, entryTerm - 1));
    return b.build();
  }

  private StoreObject object(ObjectCase kind) {
    return switch (kind) {
      case NODE -> {
        Node.Builder n = Node.newBuilder().setId("n" + rnd.nextInt(3))
            .setSpec(NodeSpec.newBuilder().setName("host" + rnd.nextInt(3)));
        if (rnd.nextBoolean()) n.setIngress(attachment("net0"));
        yield StoreObject.newBuilder().setNode(n).build();
      }
      case SERVICE -> {
        Service.Builder s = Service.newBuilder().setId("s" + rnd.nextInt(3))
            .setSpec(ServiceSpec.newBuilder().setName(List.of("web", "db", "api").get(rnd.nextInt(3))));
        Endpoint.Builder e = Endpoint.newBuilder();
        if (rnd.nextBoolean()) e.addVirtualIps(VirtualIp.newBuilder().setNetworkId("net0").setAddr(address()));
        if (rnd.nextBoolean()) e.addPorts(PortConfig.newBuilder().setPublishedPort(8080 + rnd.nextInt(2)));
        yield StoreObject.newBuilder().setService(s.setEndpoint(e)).build();
      }
      case TASK -> {
        Task.Builder t = Task.newBuilder().setId("t" + rnd.nextInt(8)).setServiceId("s" + rnd.nextInt(2))
            .setSlot(rnd.nextInt(3)).setNodeId(rnd.nextInt(4) == 0 ? "" : "n" + rnd.nextInt(3))
            .setSpecVersion(rnd.nextInt(2))
            .setDesiredState(DESIRED.get(rnd.nextInt(DESIRED.size())))
            .setStatus(TaskStatus.newBuilder().setState(OBSERVED.get(rnd.nextInt(OBSERVED.size()))));
        if (rnd.nextInt(3) == 0) t.addNetworks(attachment(rnd.nextBoolean() ? "net0" : "net1"));
        if (rnd.nextInt(3) == 0) {
          t.addPorts(PortConfig.newBuilder().setPublishedPort(9000 + rnd.nextInt(2)).setPublishMode(PortConfig.PublishMode.HOST));
        }
        yield StoreObject.newBuilder().setTask(t).build();
      }
      case NETWORK -> {
        Network.Builder n = Network.newBuilder().setId("net" + rnd.nextInt(2))
            .setSpec(NetworkSpec.newBuilder().setName(List.of("front", "back").get(rnd.nextInt(2))))
            .setSubnet(List.of("10.0.9.0/24", "10.0.0.0/16", "10.1.0.0/24").get(rnd.nextInt(3)))
            .setVni(rnd.nextInt(3));
        yield StoreObject.newBuilder().setNetwork(n).build();
      }
      default -> throw new IllegalArgumentException(kind.toString());
    };
  }

  private NetworkAttachment.Builder attachment(String networkId) {
    return NetworkAttachment.newBuilder().setNetworkId(networkId).setAddress(address());
  }

  private String address() {
    return "10.0.9." + (1 + rnd.nextInt(6)) + "/24";
  }

  int nextInt(int bound) {
    return rnd.nextInt(bound);
  }
}
