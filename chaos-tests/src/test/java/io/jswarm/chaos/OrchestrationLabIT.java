package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Orchestration across nodes on the lab (one manager, two workers): a global service follows
 * nodes as they drain, come back and change labels; drain moves a replicated service's tasks
 * away; a label constraint and service anti-affinity place on the right nodes; a spread
 * preference splits tasks evenly across a label's values.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OrchestrationLabIT {
  static Lab lab;
  static Api api;

  @BeforeAll
  static void up() {
    lab = new Lab(OrchestrationLabIT.class);
    lab.up(1, 2);
    api = new Api(lab);
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .filter(l -> l.contains("Ready")).count() == 3, "3 nodes Ready");
    for (String h : List.of("h1", "h2", "h3")) nodeId(h);
  }

  @AfterAll
  static void down() {
    if (api != null) api.close();
    if (lab != null) lab.close();
  }

  static final Map<String, String> IDS = new HashMap<>();

  /** The node id of a lab host, asked once (the info call can miss while a daemon is busy). */
  static String nodeId(String host) {
    return IDS.computeIfAbsent(host, h -> {
      Lab.await(Duration.ofSeconds(30), () -> api.info(h).isPresent(), "info from " + h);
      return api.info(h).orElseThrow().getNodeId();
    });
  }

  /** node id → tasks of the service observed and desired RUNNING. */
  static Map<String, Integer> running(String service) {
    Map<String, Integer> out = new HashMap<>();
    for (Task t : api.control("h1", 5_000).listTasks(ListTasksRequest.newBuilder().addServiceRefs(service).build()).getTasksList()) {
      if (t.getDesiredState() == TaskState.RUNNING && t.getStatus().getState() == TaskState.RUNNING) {
        out.merge(t.getNodeId(), 1, Integer::sum);
      }
    }
    return out;
  }

  static void awaitRunning(String service, Map<String, Integer> expected) {
    Lab.await(Duration.ofSeconds(60), () -> running(service).equals(expected), service + " runs " + expected);
  }

  @Test
  @Order(1)
  void globalServiceFollowsDrainAndLabels() {
    String h1 = nodeId("h1"), h2 = nodeId("h2"), h3 = nodeId("h3");
    lab.jswarmOk("h1", "service", "create", "--name", "g", "--mode", "global", "--stop-grace-period", "0s",
        "busybox", "sleep", "3600");
    awaitRunning("g", Map.of(h1, 1, h2, 1, h3, 1));
    lab.jswarmOk("h1", "node", "update", "--availability", "drain", lab.nodeName("h3"));
    awaitRunning("g", Map.of(h1, 1, h2, 1));
    lab.jswarmOk("h1", "node", "update", "--availability", "active", lab.nodeName("h3"));
    awaitRunning("g", Map.of(h1, 1, h2, 1, h3, 1));
    // Constrained to a label: only the labelled node; the label moves, the task follows.
    lab.jswarmOk("h1", "service", "update", "--detach", "--constraint-add", "node.labels.edge==yes", "g");
    lab.jswarmOk("h1", "node", "update", "--label-add", "edge=yes", lab.nodeName("h2"));
    awaitRunning("g", Map.of(h2, 1));
    lab.jswarmOk("h1", "node", "update", "--label-add", "edge=yes", lab.nodeName("h3"));
    lab.jswarmOk("h1", "node", "update", "--label-rm", "edge", lab.nodeName("h2"));
    awaitRunning("g", Map.of(h3, 1));
    lab.jswarmOk("h1", "service", "rm", "g");
  }

  @Test
  @Order(2)
  void drainMovesTasksToTheOtherNodes() {
    String h3 = nodeId("h3");
    lab.jswarmOk("h1", "service", "create", "--name", "r", "--replicas", "6", "--stop-grace-period", "0s",
        "busybox", "sleep", "3600");
    Lab.await(Duration.ofSeconds(60), () -> running("r").getOrDefault(h3, 0) == 2, "2 tasks on h3");
    lab.jswarmOk("h1", "node", "update", "--availability", "drain", lab.nodeName("h3"));
    Lab.await(Duration.ofSeconds(60), () -> {
      Map<String, Integer> r = running("r");
      return !r.containsKey(h3) && r.values().stream().mapToInt(Integer::intValue).sum() == 6;
    }, "6 tasks running, none on the drained node");
    lab.jswarmOk("h1", "node", "update", "--availability", "active", lab.nodeName("h3"));
    lab.jswarmOk("h1", "service", "rm", "r");
  }

  @Test
  @Order(3)
  void antiAffinityAndLabelConstraintPlaceOnTheRightNodes() {
    String h2 = nodeId("h2");
    lab.jswarmOk("h1", "service", "create", "--name", "db", "--constraint", "node.hostname!=nosuch",
        "--constraint", "node.labels.edge==yes", "--stop-grace-period", "0s", "busybox", "sleep", "3600");
    Set<String> dbNodes = running("db").keySet();
    assertEquals(1, dbNodes.size());
    lab.jswarmOk("h1", "service", "create", "--name", "web", "--replicas", "4", "--constraint", "service!=db",
        "--stop-grace-period", "0s", "busybox", "sleep", "3600");
    Map<String, Integer> web = running("web");
    assertEquals(4, web.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(web.keySet().stream().noneMatch(dbNodes::contains), "web avoids db's node: " + web + " db " + dbNodes);
    assertEquals(2, web.size(), web.toString());
    assertFalse(dbNodes.contains(h2), "h2 lost its edge label in test 1");
    lab.jswarmOk("h1", "service", "rm", "db");
    lab.jswarmOk("h1", "service", "rm", "web");
  }

  @Test
  @Order(4)
  void spreadSplitsTasksEvenlyAcrossALabelsValues() {
    String h1 = nodeId("h1"), h2 = nodeId("h2"), h3 = nodeId("h3");
    lab.jswarmOk("h1", "node", "update", "--label-add", "zone=a", lab.nodeName("h1"));
    lab.jswarmOk("h1", "node", "update", "--label-add", "zone=a", lab.nodeName("h2"));
    lab.jswarmOk("h1", "node", "update", "--label-add", "zone=b", lab.nodeName("h3"));
    // Zone b is one node, zone a two: spread by zone puts half the tasks on h3 (3 of 6), where
    // spreading by node alone would put 2 (test 2 above).
    lab.jswarmOk("h1", "service", "create", "--name", "zoned", "--replicas", "6", "--placement-pref",
        "spread=node.labels.zone", "--stop-grace-period", "0s", "busybox", "sleep", "3600");
    Map<String, Integer> r = running("zoned");
    assertEquals(3, r.getOrDefault(h3, 0), "zone b: " + r);
    assertEquals(3, r.getOrDefault(h1, 0) + r.getOrDefault(h2, 0), "zone a: " + r);
    assertTrue(r.getOrDefault(h1, 0) >= 1 && r.getOrDefault(h2, 0) >= 1, "within zone a, both nodes: " + r);
    lab.jswarmOk("h1", "service", "rm", "zoned");
  }
}
