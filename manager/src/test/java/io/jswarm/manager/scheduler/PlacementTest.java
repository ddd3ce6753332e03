package io.jswarm.manager.scheduler;

import static io.jswarm.manager.Fixtures.service;
import static io.jswarm.manager.Fixtures.task;
import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Node;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Placement;
import io.jswarm.api.PlacementPreference;
import io.jswarm.api.Platform;
import io.jswarm.api.ResourceRequirements;
import io.jswarm.api.Resources;
import io.jswarm.api.RestartPolicy.Condition;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Constraints, spread preferences, reservations, max replicas per node, anti-affinity. */
class PlacementTest {
  static final long GB = 1L << 30;
  static final long CPU = 1_000_000_000L;

  static Node node(String id, Map<String, String> labels, long cpus, long mem) {
    return Node.newBuilder().setId(id)
        .setSpec(NodeSpec.newBuilder().setName("n-" + id).putAllLabels(labels))
        .setDescription(NodeDescription.newBuilder().setHostname("host-" + id)
            .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("x86_64"))
            .setResources(Resources.newBuilder().setNanoCpus(cpus).setMemoryBytes(mem)))
        .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build();
  }

  static Service svc(String id, Placement placement, Resources reserve) {
    Service s = service(id, 0, Condition.ANY);
    TaskSpec ts = s.getSpec().getTask().toBuilder().setPlacement(placement)
        .setResources(ResourceRequirements.newBuilder().setReservations(reserve)).build();
    return s.toBuilder().setSpec(s.getSpec().toBuilder().setTask(ts)).build();
  }

  static List<Task> pending(Service s, int n) {
    List<Task> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(task(s, i, TaskState.PENDING, TaskState.RUNNING, "", i).toBuilder()
          .setId(s.getId() + "-" + i).setServiceName(s.getSpec().getName()).setSpec(s.getSpec().getTask()).build());
    }
    return out;
  }

  static Placement constraints(String... c) {
    return Placement.newBuilder().addAllConstraints(List.of(c)).build();
  }

  @Test
  void labelConstraintPlacesOnlyOnLabelledNodes() {
    Service s = svc("s", constraints("node.labels.disk==ssd"), Resources.getDefaultInstance());
    List<Node> nodes = List.of(node("a", Map.of("disk", "ssd"), CPU, GB), node("b", Map.of(), CPU, GB),
        node("c", Map.of("disk", "hdd"), CPU, GB));
    var r = Scheduler.schedule(nodes, pending(s, 4));
    assertEquals(4, r.placements().size());
    assertTrue(r.placements().values().stream().allMatch("a"::equals));
  }

  @Test
  void notEqualConstraintHoldsOnNodesWithoutTheLabel() {
    Service s = svc("s", constraints("node.labels.disk!=hdd", "node.role==worker", "node.platform.os==linux"),
        Resources.getDefaultInstance());
    List<Node> nodes = List.of(node("b", Map.of(), CPU, GB), node("c", Map.of("disk", "hdd"), CPU, GB));
    var r = Scheduler.schedule(nodes, pending(s, 2));
    assertEquals(Map.of("s-1", "b", "s-2", "b"), r.placements());
  }

  @Test
  void unplacedTaskSaysWhyFilterByFilter() {
    Service s = svc("s", constraints("node.labels.zone==x"), Resources.newBuilder().setMemoryBytes(2 * GB).build());
    List<Node> nodes = new ArrayList<>(List.of(node("a", Map.of("zone", "x"), CPU, GB),
        node("b", Map.of("zone", "x"), CPU, GB), node("c", Map.of(), CPU, GB)));
    nodes.add(nodes.get(2).toBuilder().setId("d").setSpec(nodes.get(2).getSpec().toBuilder()
        .setAvailability(NodeSpec.Availability.DRAIN)).build());
    var r = Scheduler.schedule(nodes, pending(s, 1));
    assertTrue(r.placements().isEmpty());
    assertEquals("no suitable node (1 node not matching constraint node.labels.zone==x; "
        + "1 node not available for new tasks; 2 nodes with insufficient memory)", r.unplaced().get("s-1"));
  }

  @Test
  void reservationsLimitHowManyTasksANodeTakes() {
    Service s = svc("s", Placement.getDefaultInstance(), Resources.newBuilder().setNanoCpus(CPU / 2).build());
    var r = Scheduler.schedule(List.of(node("a", Map.of(), 2 * CPU, GB)), pending(s, 5));
    assertEquals(4, r.placements().size());
    assertTrue(r.unplaced().get("s-5").contains("1 node with insufficient cpu"), r.unplaced().toString());
  }

  @Test
  void maxReplicasPerNode() {
    Service s = svc("s", Placement.newBuilder().setMaxReplicas(1).build(), Resources.getDefaultInstance());
    var r = Scheduler.schedule(List.of(node("a", Map.of(), CPU, GB), node("b", Map.of(), CPU, GB)), pending(s, 3));
    assertEquals(2, r.placements().size());
    assertTrue(r.unplaced().values().iterator().next().contains("2 nodes at max replicas per node (1)"));
  }

  @Test
  void antiAffinityKeepsOffNodesRunningTheOtherService() {
    Service db = svc("db", Placement.getDefaultInstance(), Resources.getDefaultInstance());
    db = db.toBuilder().setSpec(db.getSpec().toBuilder().setName("db")).build();
    Task running = task(db, 1, TaskState.RUNNING, TaskState.RUNNING, "a", 1).toBuilder().setServiceName("db").build();
    Service web = svc("web", constraints("service!=db"), Resources.getDefaultInstance());
    List<Task> tasks = new ArrayList<>(pending(web, 3));
    tasks.add(running);
    var r = Scheduler.schedule(List.of(node("a", Map.of(), CPU, GB), node("b", Map.of(), CPU, GB)), tasks);
    assertEquals(Map.of("web-1", "b", "web-2", "b", "web-3", "b"), r.placements());
  }

  @Test
  void pinnedTaskOfAGlobalServiceIsCheckedOnItsNode() {
    Service s = svc("s", Placement.getDefaultInstance(), Resources.newBuilder().setMemoryBytes(2 * GB).build());
    Task t = pending(s, 1).get(0).toBuilder().setNodeId("a").build();
    var r = Scheduler.schedule(List.of(node("a", Map.of(), CPU, GB)), List.of(t));
    assertEquals("no suitable node (1 node with insufficient memory)", r.unplaced().get(t.getId()));
    Service small = svc("s", Placement.getDefaultInstance(), Resources.getDefaultInstance());
    Task u = pending(small, 1).get(0).toBuilder().setNodeId("a").build();
    assertEquals(Map.of(u.getId(), "a"), Scheduler.schedule(List.of(node("a", Map.of(), CPU, GB)), List.of(u)).placements());
  }

  @Test
  void malformedConstraintsAreRejectedWithAHint() {
    for (String bad : List.of("node.labels.zone=a", "zone==a", "node.labels.==a", "node.role==boss", "node.id==", "a==b==c")) {
      var e = assertThrows(IllegalArgumentException.class, () -> Constraint.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("invalid constraint"), e.getMessage());
    }
    assertEquals("node.labels.Zone==A", Constraint.parse(" node.labels.Zone == A ").toString());
  }

  // ---------------------------------------------------------------- properties

  /** A random cluster: nodes in zones a/b/c (some unlabelled), some marked ssd, varied sizes. */
  static List<Node> cluster(int n, long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> labels = new HashMap<>();
      int z = rnd.nextInt(4);
      if (z < 3) labels.put("zone", "abc".substring(z, z + 1));
      if (rnd.nextBoolean()) labels.put("disk", "ssd");
      nodes.add(node(String.format("n%03d", i), labels, (1 + rnd.nextInt(4)) * CPU, (1 + rnd.nextInt(4)) * GB));
    }
    return nodes;
  }

  /** Seeded random cases (fixed seeds: a failure reproduces), 60 of them. */
  @Test
  void neverExceedsReservationsAndAlwaysHonoursConstraints() {
    for (long caseSeed = 1; caseSeed <= 60; caseSeed++) {
      java.util.Random rnd = new java.util.Random(caseSeed);
      neverExceedsReservationsAndAlwaysHonoursConstraints(1 + rnd.nextInt(20), rnd.nextInt(81), rnd.nextLong(), rnd.nextInt(4));
    }
  }

  private void neverExceedsReservationsAndAlwaysHonoursConstraints(int nodeCount, int taskCount, long seed, int maxPerNode) {
    List<Node> nodes = cluster(nodeCount, seed);
    Resources res = Resources.newBuilder().setNanoCpus(CPU / 2).setMemoryBytes(GB / 3).build();
    Service s = svc("s", Placement.newBuilder().addConstraints("node.labels.disk==ssd").setMaxReplicas(maxPerNode)
        .addPreferences(PlacementPreference.newBuilder().setSpread("node.labels.zone")).build(), res);
    var r = Scheduler.schedule(nodes, pending(s, taskCount));
    Map<String, Node> byId = new HashMap<>();
    nodes.forEach(n -> byId.put(n.getId(), n));
    Map<String, Integer> count = new HashMap<>();
    r.placements().values().forEach(id -> count.merge(id, 1, Integer::sum));
    for (var e : count.entrySet()) {
      Node n = byId.get(e.getKey());
      assertEquals("ssd", n.getSpec().getLabelsMap().get("disk"));
      assertTrue(e.getValue() * res.getNanoCpus() <= n.getDescription().getResources().getNanoCpus());
      assertTrue(e.getValue() * res.getMemoryBytes() <= n.getDescription().getResources().getMemoryBytes());
      if (maxPerNode > 0) assertTrue(e.getValue() <= maxPerNode);
    }
    assertEquals(taskCount, r.placements().size() + r.unplaced().size());
    assertEquals(r, Scheduler.schedule(nodes, pending(s, taskCount)), "deterministic");
  }

  @Test
  void spreadIsWithinOnePerLabelValue() {
    for (long caseSeed = 1; caseSeed <= 60; caseSeed++) {
      java.util.Random rnd = new java.util.Random(caseSeed);
      spreadIsWithinOnePerLabelValue(1 + rnd.nextInt(30), rnd.nextInt(91), rnd.nextLong());
    }
  }

  private void spreadIsWithinOnePerLabelValue(int nodeCount, int taskCount, long seed) {
    List<Node> nodes = cluster(nodeCount, seed); // resources ample: nothing here reserves
    Service s = svc("s", Placement.newBuilder().addPreferences(PlacementPreference.newBuilder()
        .setSpread("node.labels.zone")).build(), Resources.getDefaultInstance());
    var r = Scheduler.schedule(nodes, pending(s, taskCount));
    assertEquals(taskCount, r.placements().size());
    Map<String, Node> byId = new HashMap<>();
    nodes.forEach(n -> byId.put(n.getId(), n));
    Map<String, Integer> perValue = new HashMap<>();
    for (Node n : nodes) perValue.put(n.getSpec().getLabelsMap().getOrDefault("zone", ""), 0);
    for (String id : r.placements().values()) {
      perValue.merge(byId.get(id).getSpec().getLabelsMap().getOrDefault("zone", ""), 1, Integer::sum);
    }
    int min = perValue.values().stream().min(Integer::compare).orElse(0);
    int max = perValue.values().stream().max(Integer::compare).orElse(0);
    assertTrue(max - min <= 1, perValue.toString());
    List<Node> reversed = new ArrayList<>(nodes);
    java.util.Collections.reverse(reversed);
    assertEquals(r.placements(), Scheduler.schedule(reversed, pending(s, taskCount)).placements(), "order-independent");
  }
}
