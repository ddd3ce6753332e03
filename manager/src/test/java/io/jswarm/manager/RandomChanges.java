package io.jswarm.manager;

import io.jswarm.api.Cluster;
import io.jswarm.api.ClusterSpec;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Endpoint;
import io.jswarm.api.GlobalService;
import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.Node;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.PortConfig;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.ResourceRequirements;
import io.jswarm.api.Resources;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.VirtualIp;
import io.jswarm.store.StoreEvent;
import java.util.List;
import java.util.Random;

/**
 * Seeded random changes to a {@link ModelStore}: nodes coming, going and changing state,
 * services scaled, updated and removed, tasks in any state on any node with reservations, ports
 * and addresses, networks, the cluster's history limit. Not every combination is one the real
 * components would write; the indexes must follow any of them.
 */
public final class RandomChanges {
  static final TaskState[] STATES = {TaskState.NEW, TaskState.PENDING, TaskState.ASSIGNED, TaskState.ACCEPTED,
      TaskState.RUNNING, TaskState.COMPLETE, TaskState.SHUTDOWN, TaskState.FAILED, TaskState.REJECTED};
  static final TaskState[] DESIRED = {TaskState.RUNNING, TaskState.RUNNING, TaskState.SHUTDOWN, TaskState.REMOVE};
  private final Random r;
  private final ModelStore m;

  public RandomChanges(Random r, ModelStore m) {
    this.r = r;
    this.m = m;
  }

  /** One random change. */
  public StoreEvent step() {
    int k = r.nextInt(100);
    if (k < 10) return m.put(node());
    if (k < 20) return m.put(service());
    if (k < 25) return deleteSome(m.services().stream().map(s -> StoreObject.newBuilder().setService(s).build()).toList());
    if (k < 28) return deleteSome(m.nodes().stream().map(s -> StoreObject.newBuilder().setNode(s).build()).toList());
    if (k < 31) return m.put(network());
    if (k < 33) return m.put(Cluster.newBuilder().setId("c").setSpec(ClusterSpec.newBuilder().setTaskHistoryLimit(r.nextInt(4))).build());
    if (k < 45) return deleteSome(m.tasks().stream().map(s -> StoreObject.newBuilder().setTask(s).build()).toList());
    if (k < 70 && !m.tasks().isEmpty()) return m.put(changed(m.tasks().get(r.nextInt(m.tasks().size()))));
    return m.put(task("t" + r.nextInt(60)));
  }

  private StoreEvent deleteSome(List<StoreObject> os) {
    if (os.isEmpty()) return m.put(task("t" + r.nextInt(60)));
    return m.delete(os.get(r.nextInt(os.size())));
  }

  public Node node() {
    NodeStatus.State[] states = {NodeStatus.State.READY, NodeStatus.State.READY, NodeStatus.State.DOWN, NodeStatus.State.UNKNOWN};
    NodeSpec.Availability[] av = NodeSpec.Availability.values();
    Node.Builder b = Node.newBuilder().setId("n" + r.nextInt(6))
        .setSpec(NodeSpec.newBuilder().setName("node").setAvailability(av[r.nextInt(av.length - 1)])
            .putLabels("zone", "z" + r.nextInt(2)))
        .setStatus(NodeStatus.newBuilder().setState(states[r.nextInt(states.length)]).setMessage("m" + r.nextInt(3)))
        .setDescription(NodeDescription.newBuilder().setResources(Resources.newBuilder()
            .setNanoCpus(4_000_000_000L).setMemoryBytes(8L << 30)));
    if (r.nextInt(3) == 0) b.setIngress(NetworkAttachment.newBuilder().setNetworkId("net0").setAddress(address(0)));
    return b.build();
  }

  public Service service() {
    ServiceSpec.Builder spec = ServiceSpec.newBuilder().setName("svc").setTask(TaskSpec.newBuilder()
        .setContainer(ContainerSpec.newBuilder().setImage("busybox@sha256:abc")));
    if (r.nextInt(4) == 0) spec.setGlobal(GlobalService.getDefaultInstance());
    else spec.setReplicated(ReplicatedService.newBuilder().setReplicas(r.nextInt(5)));
    Endpoint.Builder ep = Endpoint.newBuilder();
    if (r.nextInt(3) == 0) ep.addPorts(PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080)
        .setPublishMode(r.nextBoolean() ? PortConfig.PublishMode.INGRESS : PortConfig.PublishMode.HOST));
    if (r.nextInt(3) == 0) ep.addVirtualIps(VirtualIp.newBuilder().setNetworkId("net" + r.nextInt(2)).setAddr(address(r.nextInt(2))));
    return Service.newBuilder().setId("s" + r.nextInt(4)).setSpecVersion(1 + r.nextInt(3)).setSpec(spec).setEndpoint(ep).build();
  }

  public Network network() {
    int n = r.nextInt(3);
    return Network.newBuilder().setId("net" + n).setSpec(NetworkSpec.newBuilder().setName("net" + n).setIngress(n == 0))
        .setSubnet("10.0." + n + ".0/24").setGateway("10.0." + n + ".1").build();
  }

  String address(int net) {
    return "10.0." + net + "." + (2 + r.nextInt(6)) + "/24";
  }

  public Task task(String id) {
    Task.Builder b = Task.newBuilder().setId(id).setServiceId("s" + r.nextInt(5)).setServiceName("svc" + r.nextInt(2))
        .setSlot(r.nextInt(4)).setSpecVersion(1 + r.nextInt(3)).setCreatedIndex(r.nextInt(50))
        .setSpec(TaskSpec.newBuilder().setResources(ResourceRequirements.newBuilder().setReservations(
            Resources.newBuilder().setNanoCpus(r.nextInt(3) * 500_000_000L).setMemoryBytes(r.nextInt(3) << 20))));
    return changed(b.build());
  }

  /** The task with a random state, node, desired state, and maybe ports and addresses. */
  public Task changed(Task t) {
    Task.Builder b = t.toBuilder()
        .setNodeId(r.nextInt(4) == 0 ? "" : "n" + r.nextInt(7))
        .setDesiredState(DESIRED[r.nextInt(DESIRED.length)])
        .setStatus(TaskStatus.newBuilder().setState(STATES[r.nextInt(STATES.length)]).setErr(r.nextInt(3) == 0 ? "e" : ""))
        .setNotBeforeMs(r.nextInt(3) == 0 ? 5_000 : 0);
    b.clearPorts().clearNetworks();
    if (r.nextInt(4) == 0) b.addPorts(PortConfig.newBuilder().setTargetPort(80).setPublishedPort(r.nextBoolean() ? 8080 : 0)
        .setPublishMode(PortConfig.PublishMode.HOST));
    if (r.nextInt(3) == 0) {
      int net = r.nextInt(3);
      b.addNetworks(NetworkAttachment.newBuilder().setNetworkId("net" + net).setAddress(address(net)));
    }
    return b.build();
  }
}
