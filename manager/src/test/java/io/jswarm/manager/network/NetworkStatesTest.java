package io.jswarm.manager.network;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Endpoint;
import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.NetworkEndpoint;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.NetworkState;
import io.jswarm.api.NetworkView;
import io.jswarm.api.Node;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceRecord;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.api.VirtualIp;
import io.jswarm.store.StoreEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-node network state kept from events: an endpoint change costs each node on that
 * network the same few bytes whatever the number of tasks, and complete state plus the deltas
 * sent always equals a fresh complete state (seeded random event sequences). Pure; ~1 s.
 */
@Timeout(60)
class NetworkStatesTest {
  static final int NODES = 50;
  static final List<TaskState> STATES = List.of(TaskState.ASSIGNED, TaskState.ACCEPTED, TaskState.STARTING,
      TaskState.RUNNING, TaskState.FAILED, TaskState.SHUTDOWN);

  @Test
  void anEndpointChangeCostsTheSameBytesPerNodeWhateverTheNumberOfTasks() {
    long[] small = endpointChangeBytes(500);
    long[] large = endpointChangeBytes(5_000);
    // the same message but for the digits of the new task's address
    assertEquals(small[0], large[0], 2, "bytes to a node for one endpoint added");
    assertEquals(small[1], large[1], 2, "bytes to a node for one endpoint removed");
    assertEquals(small[2], large[2], "nodes told");
    assertTrue(large[0] < 300 && large[1] < 300, "a few hundred bytes at most: " + large[0] + ", " + large[1]);
    assertEquals(NODES, large[2], "every node on the network, and only once");
  }

  /** {bytes per node for one task added, for one removed, number of nodes told}. */
  private static long[] endpointChangeBytes(int tasks) {
    NetworkStates s = new NetworkStates();
    Map<String, NetworkStates.Sent> sent = new HashMap<>();
    List<StoreEvent> setup = new ArrayList<>();
    setup.add(create(network("net1", 0)));
    for (int n = 0; n < NODES; n++) setup.add(create(node("n" + n, NodeStatus.State.READY)));
    setup.add(create(service("svc", "net1")));
    for (int i = 0; i < tasks; i++) setup.add(create(task("t" + i, "n" + (i % NODES), "net1", i, TaskState.RUNNING)));
    setup.forEach(s::apply);
    s.takeChanges();
    for (int n = 0; n < NODES; n++) s.complete("n" + n, sent.computeIfAbsent("n" + n, k -> new NetworkStates.Sent()));

    Task extra = task("extra", "n3", "net1", tasks, TaskState.ASSIGNED);
    s.apply(create(extra));
    long[] added = send(s, sent);
    s.apply(new StoreEvent(StoreEvent.Kind.DELETE, obj(extra), null, 0));
    long[] removed = send(s, sent);
    assertEquals(added[1], removed[1]);
    return new long[] {added[0] / added[1], removed[0] / removed[1], added[1]};
  }

  private static long[] send(NetworkStates s, Map<String, NetworkStates.Sent> sent) {
    NetworkStates.Changes ch = s.takeChanges();
    long bytes = 0;
    long told = 0;
    for (var e : sent.entrySet()) {
      Optional<NetworkState> u = s.update(e.getKey(), e.getValue(), ch);
      if (u.isPresent()) {
        bytes += u.get().getSerializedSize();
        told++;
      }
    }
    return new long[] {bytes, told};
  }

  @Test
  void aStatusOnlyChangeThatLeavesTheEndpointAsItWasSendsNothing() {
    NetworkStates s = new NetworkStates();
    NetworkStates.Sent sent = new NetworkStates.Sent();
    s.apply(create(network("net1", 1)));
    s.apply(create(node("n1", NodeStatus.State.READY)));
    Task t = task("t1", "n1", "net1", 1, TaskState.ASSIGNED);
    s.apply(create(t));
    s.complete("n1", sent);
    s.takeChanges();
    Task accepted = t.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.ACCEPTED)).build();
    s.apply(new StoreEvent(StoreEvent.Kind.UPDATE, obj(t), obj(accepted), 0));
    assertTrue(s.update("n1", sent, s.takeChanges()).isEmpty(), "ACCEPTED changes nothing a node programs");
    Task running = accepted.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build();
    s.apply(new StoreEvent(StoreEvent.Kind.UPDATE, obj(accepted), obj(running), 0));
    NetworkState u = s.update("n1", sent, s.takeChanges()).orElseThrow();
    assertTrue(u.getNetworks(0).getEndpoints(0).getRunning(), "RUNNING does: DNS and VIP backends follow it");
  }

  @Test
  void completeStateFollowedByDeltasEqualsAFreshCompleteState() {
    for (long seed = 1; seed <= 20; seed++) {
      Random r = new Random(seed);
      NetworkStates s = new NetworkStates();
      Map<String, NetworkStates.Sent> sent = new TreeMap<>();
      Map<String, Folded> folded = new TreeMap<>();
      Map<String, Task> tasks = new HashMap<>();
      List<String> nodes = List.of("n0", "n1", "n2", "n3", "n4", "n5");
      String[] nets = {"ingress", "net1", "net2"};
      s.apply(create(network("ingress", 0).toBuilder().setSpec(NetworkSpec.newBuilder().setName("ingress").setIngress(true)).build()));
      s.apply(create(network("net1", 1)));
      s.apply(create(network("net2", 2)));
      for (String n : nodes) s.apply(create(node(n, NodeStatus.State.READY)));
      s.takeChanges();
      for (int step = 0; step < 300; step++) {
        int batch = 1 + r.nextInt(4);
        for (int b = 0; b < batch; b++) {
          int what = r.nextInt(10);
          String nodeId = nodes.get(r.nextInt(nodes.size()));
          if (what < 5) { // a task appears, moves on, or goes
            String id = "t" + r.nextInt(40);
            Task old = tasks.get(id);
            if (old != null && r.nextInt(3) == 0) {
              tasks.remove(id);
              s.apply(new StoreEvent(StoreEvent.Kind.DELETE, obj(old), null, 0));
            } else {
              TaskState st = STATES.get(r.nextInt(STATES.size()));
              Task t = task(id, old == null ? nodeId : old.getNodeId(), nets[1 + r.nextInt(2)], Integer.parseInt(id.substring(1)), st);
              tasks.put(id, t);
              s.apply(old == null ? create(t) : new StoreEvent(StoreEvent.Kind.UPDATE, obj(old), obj(t), 0));
            }
          } else if (what < 7) { // a node goes down or comes back, or gets its ingress leg
            Node n = node(nodeId, r.nextBoolean() ? NodeStatus.State.READY : NodeStatus.State.DOWN);
            if (r.nextBoolean()) n = n.toBuilder().setIngress(NetworkAttachment.newBuilder()
                .setNetworkId("ingress").setAddress("10.255.0." + (10 + nodes.indexOf(nodeId)) + "/16")).build();
            s.apply(new StoreEvent(StoreEvent.Kind.UPDATE, obj(node(nodeId, NodeStatus.State.READY)), obj(n), 0));
          } else if (what < 9) { // a service attached to a network, with a VIP, maybe publishing
            Service svc = service("svc" + r.nextInt(3), nets[1 + r.nextInt(2)]);
            if (r.nextBoolean()) svc = svc.toBuilder().setEndpoint(Endpoint.newBuilder()
                .addPorts(io.jswarm.api.PortConfig.newBuilder().setPublishedPort(8080).setTargetPort(80)
                    .setPublishMode(io.jswarm.api.PortConfig.PublishMode.INGRESS))).build();
            s.apply(create(svc));
          } else {
            s.apply(new StoreEvent(StoreEvent.Kind.DELETE, obj(service("svc" + r.nextInt(3), "net1")), null, 0));
          }
        }
        NetworkStates.Changes ch = s.takeChanges();
        for (String n : nodes) {
          NetworkStates.Sent mine = sent.get(n);
          if (mine == null && r.nextInt(4) == 0) { // a node connects late
            mine = new NetworkStates.Sent();
            sent.put(n, mine);
            folded.put(n, new Folded().apply(s.complete(n, mine)));
          } else if (mine != null) {
            s.update(n, mine, ch).ifPresent(folded.get(n)::apply);
          }
        }
        for (String n : sent.keySet()) {
          NetworkState fresh = s.complete(n, new NetworkStates.Sent());
          assertEquals(new Folded().apply(fresh), folded.get(n), "seed " + seed + " step " + step + " node " + n);
        }
      }
    }
  }

  /** What a worker holds after folding complete states and deltas (as the agent's NetworkStateBook). */
  static final class Folded {
    final Map<String, Network> networks = new TreeMap<>();
    final Map<String, Map<String, NetworkEndpoint>> endpoints = new TreeMap<>();
    final Map<String, Map<String, ServiceRecord>> services = new TreeMap<>();
    String ingressAddress = "";
    List<io.jswarm.api.IngressService> ingress = List.of();

    Folded apply(NetworkState s) {
      boolean whole = s.getType() == NetworkState.Type.COMPLETE;
      if (whole) {
        networks.clear();
        endpoints.clear();
        services.clear();
      }
      for (String n : s.getRemovedNetworksList()) {
        networks.remove(n);
        endpoints.remove(n);
        services.remove(n);
      }
      for (NetworkView v : s.getNetworksList()) {
        String id = v.getNetwork().getId();
        if (whole || v.getComplete()) {
          endpoints.put(id, new TreeMap<>());
          services.put(id, new TreeMap<>());
        }
        networks.put(id, v.getNetwork());
        Map<String, NetworkEndpoint> eps = endpoints.computeIfAbsent(id, k -> new TreeMap<>());
        v.getRemovedEndpointsList().forEach(eps::remove);
        for (NetworkEndpoint e : v.getEndpointsList()) eps.put(e.getTaskId().isEmpty() ? "node:" + e.getNodeId() : e.getTaskId(), e);
        Map<String, ServiceRecord> recs = services.computeIfAbsent(id, k -> new TreeMap<>());
        v.getRemovedServicesList().forEach(recs::remove);
        for (ServiceRecord x : v.getServicesList()) recs.put(x.getServiceId(), x);
      }
      if (whole || s.getIngressChanged()) {
        ingressAddress = s.getIngressAddress();
        ingress = s.getIngressList();
      }
      return this;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Folded f && networks.equals(f.networks) && endpoints.equals(f.endpoints)
          && services.equals(f.services) && ingressAddress.equals(f.ingressAddress) && ingress.equals(f.ingress);
    }

    @Override
    public int hashCode() {
      return networks.hashCode();
    }

    @Override
    public String toString() {
      return "networks " + networks.keySet() + " endpoints " + endpoints + " services " + services + " ingress " + ingressAddress + " " + ingress;
    }
  }

  // ------------------------------------------------------------ objects

  static StoreObject obj(Object o) {
    StoreObject.Builder b = StoreObject.newBuilder();
    if (o instanceof Task t) b.setTask(t);
    else if (o instanceof Node n) b.setNode(n);
    else if (o instanceof Service s) b.setService(s);
    else if (o instanceof Network n) b.setNetwork(n);
    return b.build();
  }

  static StoreEvent create(Object o) {
    return new StoreEvent(StoreEvent.Kind.CREATE, null, obj(o), 0);
  }

  static Network network(String id, int octet) {
    return Network.newBuilder().setId(id).setSpec(NetworkSpec.newBuilder().setName(id).setDriver("overlay"))
        .setSubnet("10." + octet + ".0.0/16").setGateway("10." + octet + ".0.1").setVni(4096 + octet).setMtu(1450).build();
  }

  static Node node(String id, NodeStatus.State st) {
    return Node.newBuilder().setId(id).setStatus(NodeStatus.newBuilder().setState(st).setAddr("192.168.0." + id.substring(1) + ":4243")).build();
  }

  static Service service(String id, String net) {
    int octet = net.equals("net1") ? 1 : 2;
    return Service.newBuilder().setId(id).setSpec(ServiceSpec.newBuilder().setName(id)
            .setTask(TaskSpec.newBuilder().addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(net))))
        .setEndpoint(Endpoint.newBuilder().addVirtualIps(VirtualIp.newBuilder().setNetworkId(net)
            .setAddr("10." + octet + ".255." + (id.hashCode() & 0x7f) + "/16"))).build();
  }

  static Task task(String id, String node, String net, int n, TaskState st) {
    int octet = net.equals("net1") ? 1 : net.equals("net2") ? 2 : 0;
    return Task.newBuilder().setId(id).setServiceId("svc").setNodeId(node).setDesiredState(TaskState.RUNNING)
        .setStatus(TaskStatus.newBuilder().setState(st))
        .addNetworks(NetworkAttachment.newBuilder().setNetworkId(net)
            .setAddress("10." + octet + "." + (2 + n / 250) + "." + (2 + n % 250) + "/16")).build();
  }
}
