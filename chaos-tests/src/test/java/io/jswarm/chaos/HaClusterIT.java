package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.UpdateServiceRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Three managers and two workers on the lab, through the failures the HA issue names: a worker
 * killed, the leader killed, membership changes, bad joins, quorum lost and regained, and a
 * forced new cluster. One lab for the whole class: bringing one up costs most of a minute.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HaClusterIT {
  static Lab lab;
  static Api api;
  static final String SVC = "ha";

  @BeforeAll
  static void up() {
    lab = new Lab(HaClusterIT.class);
    lab.up(3, 2);
    api = new Api(lab);
  }

  @AfterAll
  static void down() {
    if (api != null) api.close();
    if (lab != null) lab.close();
  }

  // ------------------------------------------------------------ helpers

  static String nodeId(String host) {
    return api.info(host).orElseThrow().getNodeId();
  }

  static Optional<String> leaderSeenBy(String host) {
    return api.info(host).map(InfoResponse::getLeaderNodeId).filter(s -> !s.isEmpty());
  }

  static String leaderHost() {
    String id = leaderSeenBy("h1").or(() -> leaderSeenBy("h2")).or(() -> leaderSeenBy("h3")).orElseThrow();
    for (String h : lab.managers()) {
      if (api.info(h).map(i -> i.getNodeId().equals(id)).orElse(false)) return h;
    }
    throw new AssertionError("leader " + id + " is none of the managers");
  }

  static List<Task> running(String viaHost) {
    return api.control(viaHost, 10_000).listTasks(ListTasksRequest.newBuilder().addServiceRefs(SVC).build())
        .getTasksList().stream()
        .filter(t -> t.getDesiredState() == TaskState.RUNNING && t.getStatus().getState() == TaskState.RUNNING)
        .toList();
  }

  static void scale(String viaHost, long replicas, long deadlineMs) {
    var c = api.control(viaHost, deadlineMs);
    Service s = c.getService(GetServiceRequest.newBuilder().setRef(SVC).build());
    c.updateService(UpdateServiceRequest.newBuilder().setServiceId(s.getId()).setVersion(s.getMeta().getVersion())
        .setSpec(s.getSpec().toBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))).build());
  }

  static List<String> runcIds(String host) {
    String out = lab.sh(host, "runc --root " + lab.dir().resolve(host).resolve("data/runc") + " list -q").out();
    return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  /** Every manager answers with the same state digest. */
  static boolean managersAgree() {
    Set<String> digests = new HashSet<>();
    for (String m : lab.managers()) {
      var d = api.digest(m);
      if (d.isEmpty()) return false;
      digests.add(d.get().getDigest());
    }
    return digests.size() == 1;
  }

  static int members(String viaHost) {
    String ls = lab.jswarmOk(viaHost, "node", "ls").out();
    return (int) ls.lines().filter(l -> l.contains("Leader") || l.contains("Reachable") || l.contains("Unreachable")).count();
  }

  // ------------------------------------------------------------ the story

  @Test
  @Order(1)
  void clusterFormsAndSpreadsASixReplicaService() {
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .filter(l -> l.contains("Ready")).count() == 5, "5 nodes Ready");
    lab.jswarmOk("h1", "service", "create", "--name", SVC, "--replicas", "6", "--stop-grace-period", "0s",
        "busybox", "sleep", "3600");
    List<Task> tasks = running("h1");
    assertEquals(6, tasks.size());
    Map<String, Integer> perNode = new HashMap<>();
    tasks.forEach(t -> perNode.merge(t.getNodeId(), 1, Integer::sum));
    assertEquals(5, perNode.size(), "every node runs a task: " + perNode);
    assertTrue(perNode.values().stream().allMatch(n -> n <= 2), perNode.toString());

    // settings travel through Raft: every manager records the election timeout for its next start
    lab.jswarmOk("h2", "swarm", "update", "--election-timeout", "1200ms");
    Lab.await(Duration.ofSeconds(20), () -> lab.managers().stream().allMatch(h -> {
      try {
        java.nio.file.Path f = lab.dir().resolve(h).resolve("data/raft-election-timeout-ms");
        return java.nio.file.Files.exists(f) && java.nio.file.Files.readString(f).trim().equals("1200");
      } catch (java.io.IOException e) {
        return false;
      }
    }), "every manager recorded the election timeout");
    assertTrue(lab.jswarmOk("h3", "swarm", "inspect").out().contains("\"electionTimeoutMs\": \"1200\""));
  }

  @Test
  @Order(2)
  void killedWorkerIsReplacedAndComesBackWithoutDuplicates() {
    String victim = nodeId("h5");
    long t0 = System.nanoTime();
    lab.kill("h5");
    Lab.await(Duration.ofSeconds(20), () -> {
      try {
        List<Task> r = running("h1");
        return r.size() == 6 && r.stream().noneMatch(t -> t.getNodeId().equals(victim));
      } catch (StatusRuntimeException e) {
        return false;
      }
    }, "6 replicas running without h5");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[figure] worker kill -9 -> replacements RUNNING: " + ms + " ms");
    assertTrue(lab.jswarmOk("h1", "node", "ls").out().lines()
        .anyMatch(l -> l.contains(lab.nodeName("h5")) && l.contains("Down")), "h5 shown Down");

    lab.start("h5");
    // Back, h5 stops the containers of tasks that moved away: none of its tasks stays wanted.
    Lab.await(Duration.ofSeconds(60), () -> runcIds("h5").isEmpty(), "h5 runs no leftover container");
    Lab.await(Duration.ofSeconds(30), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .anyMatch(l -> l.contains(lab.nodeName("h5")) && l.contains("Ready")), "h5 Ready again");
    assertEquals(6, running("h1").size());
  }

  @Test
  @Order(3)
  void leaderKillElectsANewLeaderAndLosesNoWrite() {
    String leader = leaderHost();
    String oldId = nodeId(leader);
    List<String> others = lab.managers().stream().filter(h -> !h.equals(leader)).toList();
    scale(others.get(0), 7, 10_000); // acknowledged before the kill
    long t0 = System.nanoTime();
    lab.kill(leader);
    api.reset(leader);
    Lab.await(Duration.ofSeconds(20), () -> leaderSeenBy(others.get(0)).filter(id -> !id.equals(oldId)).isPresent(),
        "a new leader");
    long elected = (System.nanoTime() - t0) / 1_000_000;
    Lab.await(Duration.ofSeconds(20), () -> {
      try {
        scale(others.get(1), 8, 1_500);
        return true;
      } catch (StatusRuntimeException e) {
        return false;
      }
    }, "a write acknowledged after failover");
    long written = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[figure] leader kill -9 -> new leader: " + elected + " ms, next write acknowledged: " + written + " ms");
    assertTrue(written < 10_000, "write acknowledged after " + written + " ms");

    lab.start(leader);
    api.reset(leader);
    Lab.await(Duration.ofSeconds(60), () -> running(others.get(0)).size() == 8, "8 replicas running");
    Lab.await(Duration.ofSeconds(60), HaClusterIT::managersAgree, "every manager holds the same state (restarted one caught up)");
    assertEquals(8, api.control(leader, 2_000).getService(GetServiceRequest.newBuilder().setRef(SVC).build())
        .getSpec().getReplicated().getReplicas(), "the restarted manager has the writes made while it was down");
  }

  @Test
  @Order(4)
  void managerRestartedAfterManyWritesCatchesUpFromASnapshot() {
    lab.jswarmOk("h1", "swarm", "update", "--snapshot-interval", "100");
    String lagger = lab.managers().stream().filter(h -> !h.equals(leaderHost())).findFirst().orElseThrow();
    String via = lab.managers().stream().filter(h -> !h.equals(lagger)).findFirst().orElseThrow();
    long stoppedAt = api.digest(lagger).orElseThrow().getAppliedIndex();
    lab.stop(lagger);
    api.reset(lagger);
    // Large writes roll the log's 1 MB segments quickly; the snapshots every 100 entries then
    // let every other manager purge what the stopped one has not seen.
    String big = "x".repeat(16 * 1024);
    for (int i = 0; i < 200; i++) {
      var c = api.control(via, 10_000);
      Service s = c.getService(GetServiceRequest.newBuilder().setRef(SVC).build());
      c.updateService(UpdateServiceRequest.newBuilder().setServiceId(s.getId()).setVersion(s.getMeta().getVersion())
          .setSpec(s.getSpec().toBuilder().putLabels("filler", big + i)).build());
    }
    Lab.await(Duration.ofSeconds(60), () -> lab.managers().stream().filter(h -> !h.equals(lagger))
        .allMatch(h -> api.digest(h).map(d -> d.getLogStartIndex() > stoppedAt).orElse(false)),
        "the running managers purged their logs past index " + stoppedAt);
    lab.start(lagger);
    api.reset(lagger);
    Lab.await(Duration.ofSeconds(90), HaClusterIT::managersAgree, "the restarted manager caught up (same state digest everywhere)");
    var c = api.control(via, 10_000);
    Service s = c.getService(GetServiceRequest.newBuilder().setRef(SVC).build());
    c.updateService(UpdateServiceRequest.newBuilder().setServiceId(s.getId()).setVersion(s.getMeta().getVersion())
        .setSpec(s.getSpec().toBuilder().removeLabels("filler")).build());
  }

  @Test
  @Order(5)
  void promoteDemoteAndRemoveFollowRaftMembership() {
    assertEquals(3, members("h1"));
    lab.jswarmOk("h1", "node", "promote", lab.nodeName("h4"));
    Lab.await(Duration.ofSeconds(60), () -> members("h1") == 4, "4 managers after promote");
    Lab.await(Duration.ofSeconds(30), () -> api.digest("h4").isPresent(), "h4 runs a Raft member");
    lab.jswarmOk("h1", "node", "demote", lab.nodeName("h4"));
    Lab.await(Duration.ofSeconds(60), () -> members("h1") == 3 && api.digest("h4").isEmpty(), "3 managers after demote");

    lab.jswarmOk("h1", "node", "promote", lab.nodeName("h4"));
    Lab.await(Duration.ofSeconds(60), () -> members("h1") == 4, "4 managers again");
    lab.stop("h4");
    api.reset("h4");
    Lab.await(Duration.ofSeconds(30), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .anyMatch(l -> l.contains(lab.nodeName("h4")) && l.contains("Down")), "h4 Down");
    // a manager, though down, is still a Raft member: demote it first, or force (Docker's rule)
    var unforced = lab.jswarm("h1", "node", "rm", lab.nodeName("h4"));
    assertNotEquals(0, unforced.exit());
    assertTrue(unforced.err().contains("It must be demoted to worker before removal"), unforced.all());
    assertEquals(4, members("h1"), "the refused rm changed nothing");
    assertTrue(lab.jswarmOk("h1", "node", "ls").out().lines()
        .anyMatch(l -> l.contains(lab.nodeName("h4")) && l.contains("Unreachable")), "the dead manager is not shown Reachable");
    lab.jswarmOk("h1", "node", "rm", "--force", lab.nodeName("h4"));
    Lab.await(Duration.ofSeconds(30), () -> members("h1") == 3
        && !lab.jswarm("h1", "node", "ls").out().contains(lab.nodeName("h4")), "h4 gone from the managers");
    // writes still work with the group back at three
    scale("h1", 6, 10_000);
  }

  @Test
  @Order(6)
  void badMembershipRequestsAreRefusedAndChangeNothing() {
    String before = lab.jswarmOk("h1", "node", "ls").out();
    var live = lab.jswarm("h1", "node", "rm", lab.nodeName("h2"));
    assertNotEquals(0, live.exit());
    assertTrue(live.err().contains("is a cluster manager"), live.all());
    var liveWorker = lab.jswarm("h1", "node", "rm", lab.nodeName("h5"));
    assertNotEquals(0, liveWorker.exit());
    assertTrue(liveWorker.err().contains("is not down"), liveWorker.all());

    var twice = lab.jswarm("h5", "swarm", "join", "--token", lab.jswarmOk("h1", "swarm", "join-token", "-q", "worker").out().trim(),
        lab.ip("h1") + ":2377");
    assertNotEquals(0, twice.exit());
    assertTrue(twice.err().contains("already part of a swarm"), twice.all());

    lab.jswarmOk("h5", "swarm", "leave");
    var garbage = lab.jswarm("h5", "swarm", "join", "--token", "SWMTKN-1-nope", lab.ip("h1") + ":2377");
    assertNotEquals(0, garbage.exit());
    assertTrue(garbage.err().contains("invalid join token"), garbage.all());
    String old = lab.jswarmOk("h1", "swarm", "join-token", "-q", "worker").out().trim();
    lab.jswarmOk("h1", "swarm", "join-token", "--rotate", "worker");
    var rotated = lab.jswarm("h5", "swarm", "join", "--token", old, lab.ip("h1") + ":2377");
    assertNotEquals(0, rotated.exit());
    assertTrue(rotated.err().contains("invalid join token"), rotated.all());
    String fresh = lab.jswarmOk("h1", "swarm", "join-token", "-q", "worker").out().trim();
    lab.jswarmOk("h5", "swarm", "join", "--token", fresh, lab.ip("h1") + ":2377");
    Lab.await(Duration.ofSeconds(30), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .anyMatch(l -> l.contains(lab.nodeName("h5")) && l.contains("Ready")), "h5 back");
    assertEquals(members("h1"), 3);
    assertTrue(before.contains(lab.nodeName("h2")));
  }

  @Test
  @Order(7)
  void quorumLossFailsWritesFastKeepsContainersAndRecovers() {
    String survivor = "h1";
    List<String> lost = List.of("h2", "h3");
    List<String> onWorker = runcIds("h5");
    lost.forEach(h -> {
      lab.kill(h);
      api.reset(h);
    });
    long t0 = System.nanoTime();
    StatusRuntimeException refused = null;
    try {
      scale(survivor, 5, 30_000);
    } catch (StatusRuntimeException e) {
      refused = e;
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertNotNull(refused, "a write without quorum must not succeed");
    System.out.println("[figure] write without quorum refused after " + ms + " ms: " + refused.getStatus());
    assertTrue(ms < 15_000, "refused after " + ms + " ms");
    var cli = lab.jswarm(survivor, "service", "scale", "--detach", SVC + "=5");
    assertNotEquals(0, cli.exit());
    assertTrue(cli.err().toLowerCase().contains("quorum") || cli.err().toLowerCase().contains("unavailable"), cli.all());
    assertEquals(onWorker, runcIds("h5"), "containers keep running without quorum");
    var read = lab.jswarm(survivor, "service", "ls");
    assertEquals(0, read.exit(), read.all());
    assertTrue(read.out().contains(SVC) && read.err().contains("may be stale"), read.all());

    lab.start("h2");
    api.reset("h2");
    Lab.await(Duration.ofSeconds(60), () -> {
      try {
        scale(survivor, 6, 5_000);
        return true;
      } catch (StatusRuntimeException e) {
        return false;
      }
    }, "writes work again with two of three managers");
  }

  @Test
  @Order(8)
  void forceNewClusterRestoresServiceFromASurvivor() {
    // an overlay service too: the forced cluster must keep its network, addresses and tasks
    lab.jswarmOk("h1", "network", "create", "-d", "overlay", "--subnet", "10.77.0.0/24", "ha-net");
    lab.jswarmOk("h1", "service", "create", "--name", "ha-ov", "--replicas", "2", "--network", "ha-net",
        "--constraint", "node.role==worker",
        "--stop-grace-period", "0s", "busybox", "sleep", "3600");
    Set<String> overlayTasks = new HashSet<>(overlayRunning("h1").keySet());
    assertEquals(2, overlayTasks.size());

    lab.kill("h2");
    api.reset("h2");
    // h3 is still down from the previous test: h1 alone has no quorum.
    lab.jswarmOk("h1", "swarm", "init", "--force-new-cluster");
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "service", "ls").out().contains(SVC), "service listed");
    assertTrue(lab.jswarmOk("h1", "network", "ls").out().contains("ha-net"), "the overlay network survived");
    scale("h1", 4, 10_000);
    Lab.await(Duration.ofSeconds(90), () -> running("h1").size() == 4, "4 replicas running on the new cluster");
    assertTrue(overlayRunning("h1").keySet().containsAll(overlayTasks), "the overlay tasks kept running");

    lab.jswarmOk("h1", "service", "scale", "ha-ov=3");
    Lab.await(Duration.ofSeconds(90), () -> overlayRunning("h1").size() == 3, "a third overlay task runs");
    Map<String, String> addrs = overlayRunning("h1");
    assertTrue(addrs.values().stream().allMatch(a -> a.startsWith("10.77.0.")), "addresses on ha-net: " + addrs);
    assertEquals(3, new HashSet<>(addrs.values()).size(), "distinct addresses: " + addrs);
  }

  /** task id → address on ha-net of ha-ov's RUNNING tasks. */
  static Map<String, String> overlayRunning(String via) {
    Map<String, String> m = new HashMap<>();
    for (Task t : api.control(via, 5_000).listTasks(ListTasksRequest.newBuilder().addServiceRefs("ha-ov").build())
        .getTasksList()) {
      if (t.getDesiredState() == TaskState.RUNNING && t.getStatus().getState() == TaskState.RUNNING) {
        m.put(t.getId(), t.getNetworksList().isEmpty() ? "" : t.getNetworks(0).getAddress());
      }
    }
    return m;
  }
}
