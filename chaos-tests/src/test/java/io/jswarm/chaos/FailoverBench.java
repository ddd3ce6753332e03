package io.jswarm.chaos;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Benchmark (not a test; run by bench/failover.sh): on a lab of 3 managers and 2 workers,
 * R times each, (a) leader kill -9 → next write acknowledged, from direct API polls (no CLI JVM
 * per poll) every 50 ms; (b) the same seen by a person: a {@code jswarm service scale} typed
 * 100 ms after the kill, until the CLI returns, and that figure less what a {@code jswarm version}
 * costs on the machine right after (the client JVM); (c) worker kill -9 → its tasks RUNNING
 * elsewhere.
 */
public final class FailoverBench {
  private static final String SVC = "bench";
  private static Lab lab;
  private static Api api;

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    lab = new Lab("FailoverBench");
    try {
      lab.up(3, 2);
      api = new Api(lab);
      lab.jswarmOk("h1", "service", "create", "--name", SVC, "--replicas", "6", "--stop-grace-period", "0s",
          "busybox", "sleep", "3600");
      List<Long> leader = new ArrayList<>();
      List<Long> cli = new ArrayList<>();
      List<Long> cliLessJvm = new ArrayList<>();
      List<Long> worker = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        leader.add(leaderKill(r));
        long[] c = leaderKillThroughCli(r);
        cli.add(c[0]);
        cliLessJvm.add(c[1]);
        worker.add(workerKill(r % 2 == 0 ? "h4" : "h5"));
      }
      System.out.println();
      System.out.println("jswarm failover on the lab (3 managers, 2 workers), " + runs + " runs each, ms");
      System.out.printf("%-44s %8s %8s %8s%n", "measure", "min", "median", "max");
      print("leader kill -9 -> next write acknowledged", leader);
      print("leader kill -9 -> CLI write (typed +100 ms) done", cli);
      print("  the same less the client JVM (jswarm version)", cliLessJvm);
      print("worker kill -9 -> its tasks RUNNING elsewhere", worker);
      InfoResponse i = api.info("h1").orElseThrow();
      var spec = i.getCluster().getSpec();
      System.out.println("defaults: heartbeat " + spec.getHeartbeatPeriodMs() + " ms, node down grace "
          + (spec.getNodeDownGraceMs() > 0 ? spec.getNodeDownGraceMs() + " ms" : spec.getGraceMultiplier() + " periods")
          + ", unknown grace " + spec.getUnknownGraceMultiplier() + " x down grace after a leader change"
          + ", election timeout " + spec.getElectionTimeoutMs() / 2 + "-" + spec.getElectionTimeoutMs() + " ms");
    } finally {
      if (api != null) api.close();
      lab.close();
    }
  }

  private static void print(String what, List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    System.out.printf("%-44s %8d %8d %8d%n", what, s.get(0), s.get(s.size() / 2), s.get(s.size() - 1));
  }

  private static Optional<String> leaderId() {
    for (String h : lab.managers()) {
      var l = api.info(h).map(InfoResponse::getLeaderNodeId).filter(x -> !x.isEmpty());
      if (l.isPresent()) return l;
    }
    return Optional.empty();
  }

  private static String hostOf(String nodeId) {
    for (String h : lab.hosts()) {
      if (api.info(h).map(i -> i.getNodeId().equals(nodeId)).orElse(false)) return h;
    }
    throw new IllegalStateException("no host runs node " + nodeId);
  }

  private static void scale(String via, long n, long deadlineMs) {
    var c = api.control(via, deadlineMs);
    Service s = c.getService(GetServiceRequest.newBuilder().setRef(SVC).build());
    c.updateService(UpdateServiceRequest.newBuilder().setServiceId(s.getId()).setVersion(s.getMeta().getVersion())
        .setSpec(s.getSpec().toBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(n))).build());
  }

  private static long leaderKill(int run) {
    String leader = hostOf(leaderId().orElseThrow());
    List<String> others = lab.managers().stream().filter(h -> !h.equals(leader)).toList();
    long t0 = System.nanoTime();
    lab.kill(leader);
    api.reset(leader);
    long ms = -1;
    long deadline = t0 + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        scale(others.get(run % 2), 6, 1_000);
        ms = (System.nanoTime() - t0) / 1_000_000;
        break;
      } catch (StatusRuntimeException e) {
        pause();
      }
    }
    lab.start(leader);
    api.reset(leader);
    Lab.await(Duration.ofSeconds(60), () -> lab.managers().stream()
        .allMatch(h -> api.digest(h).map(d -> !d.getDigest().isEmpty()).orElse(false)) && leaderId().isPresent(),
        "all managers back");
    return ms;
  }

  /** {kill → CLI write returned, the same less 100 ms and the client JVM's own cost}. */
  private static long[] leaderKillThroughCli(int run) {
    String leader = hostOf(leaderId().orElseThrow());
    String via = lab.managers().stream().filter(h -> !h.equals(leader)).toList().get(run % 2);
    ProcessHandle killed = lab.killNow(leader);
    long t0 = System.nanoTime();
    api.reset(leader);
    long typed = t0 + Duration.ofMillis(100).toNanos();
    while (System.nanoTime() < typed) {
      pause();
    }
    Lab.Result w = lab.cli(Duration.ofSeconds(60), via, "service", "scale", "--detach", SVC + "=6");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (!w.ok()) throw new IllegalStateException("CLI write after the leader kill failed after " + ms + " ms: " + w.all());
    long v0 = System.nanoTime();
    lab.cli(Duration.ofSeconds(60), via, "version");
    long jvm = (System.nanoTime() - v0) / 1_000_000;
    Lab.awaitGone(killed);
    lab.start(leader);
    api.reset(leader);
    Lab.await(Duration.ofSeconds(60), () -> lab.managers().stream()
        .allMatch(h -> api.digest(h).map(d -> !d.getDigest().isEmpty()).orElse(false)) && leaderId().isPresent(),
        "all managers back");
    return new long[] {ms, ms - 100 - jvm};
  }

  private static List<Task> running() {
    return api.control("h1", 2_000).listTasks(ListTasksRequest.newBuilder().addServiceRefs(SVC).build())
        .getTasksList().stream()
        .filter(t -> t.getDesiredState() == TaskState.RUNNING && t.getStatus().getState() == TaskState.RUNNING)
        .toList();
  }

  private static long workerKill(String host) {
    String victim = api.info(host).orElseThrow().getNodeId();
    Lab.await(Duration.ofSeconds(60), () -> running().stream().anyMatch(t -> t.getNodeId().equals(victim)),
        host + " runs a task");
    long t0 = System.nanoTime();
    lab.kill(host);
    api.reset(host);
    long ms = -1;
    long deadline = t0 + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        List<Task> r = running();
        if (r.size() == 6 && r.stream().noneMatch(t -> t.getNodeId().equals(victim))) {
          ms = (System.nanoTime() - t0) / 1_000_000;
          break;
        }
      } catch (StatusRuntimeException e) {
        // a manager busy electing: poll again
      }
      pause();
    }
    lab.start(host);
    api.reset(host);
    // spread tasks back: a forced update replaces them over all five nodes
    lab.jswarmOk("h1", "service", "update", "--force", SVC);
    return ms;
  }

  private static void pause() {
    try {
      Thread.sleep(50); // poll interval of a deadline-bounded loop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
