package io.jswarm.manager.scheduler;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Meta;
import io.jswarm.api.Node;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Placement;
import io.jswarm.api.PlacementPreference;
import io.jswarm.api.Platform;
import io.jswarm.api.ResourceRequirements;
import io.jswarm.api.Resources;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Benchmark (not a test; run by bench/scheduler.sh): places TASKS pending tasks of SERVICES
 * services onto NODES simulated nodes in one {@link Scheduler#schedule} call. Every service
 * spreads over node.labels.zone (10 zones), reserves 0.05 CPU and 64 MiB, and every other service
 * is constrained to node.labels.disk==ssd; a quarter also have max 50 replicas per node.
 * Prints placements/s per run and the best run. Then, with all of them placed, the cost of
 * placing ONE more task: by a full pass over every task (what the scheduler component did on every
 * relevant batch) and from the load index the component now keeps ({@link SchedulerIndex}).
 */
public final class SchedulerBench {
  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int services = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Random rnd = new Random(42);
    List<Node> ns = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      ns.add(Node.newBuilder().setId(String.format("node%05d", i))
          .setSpec(NodeSpec.newBuilder().setName("n" + i).putLabels("zone", "z" + (i % 10))
              .putLabels("disk", rnd.nextBoolean() ? "ssd" : "hdd"))
          .setDescription(NodeDescription.newBuilder().setHostname("h" + i)
              .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("x86_64"))
              .setResources(Resources.newBuilder().setNanoCpus(32_000_000_000L).setMemoryBytes(128L << 30)))
          .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build());
    }
    List<Task> ts = new ArrayList<>(tasks);
    int perService = tasks / services;
    for (int s = 0; s < services; s++) {
      Placement.Builder p = Placement.newBuilder()
          .addPreferences(PlacementPreference.newBuilder().setSpread("node.labels.zone"));
      if (s % 2 == 0) p.addConstraints("node.labels.disk==ssd");
      if (s % 4 == 1) p.setMaxReplicas(50);
      TaskSpec spec = TaskSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setImage("busybox"))
          .setPlacement(p).setResources(ResourceRequirements.newBuilder().setReservations(
              Resources.newBuilder().setNanoCpus(50_000_000L).setMemoryBytes(64L << 20))).build();
      for (int i = 0; i < perService; i++) {
        ts.add(Task.newBuilder().setId(String.format("s%03d-t%06d", s, i)).setServiceId("svc" + s)
            .setServiceName("svc" + s).setSlot(i + 1).setSpec(spec).setSpecVersion(1)
            .setDesiredState(TaskState.RUNNING).setMeta(Meta.newBuilder().setCreatedAtMs(1))
            .setStatus(TaskStatus.newBuilder().setState(TaskState.PENDING)).build());
      }
    }
    System.out.printf("scheduler bench: %d tasks (%d services, half constrained to disk==ssd, spread over 10 zones, "
        + "reservations, a quarter max 50/node) onto %d nodes%n", ts.size(), services, nodes);
    double best = 0;
    for (int r = 1; r <= runs; r++) {
      long t0 = System.nanoTime();
      Scheduler.Result res = Scheduler.schedule(ns, ts);
      double secs = (System.nanoTime() - t0) / 1e9;
      double rate = res.placements().size() / secs;
      best = Math.max(best, rate);
      System.out.printf("run %d: placed %d, unplaced %d in %.3f s = %,.0f placements/s%n",
          r, res.placements().size(), res.unplaced().size(), secs, rate);
    }
    System.out.printf("best: %,.0f placements/s%n", best);

    // one more task once everything is placed: full pass vs the maintained index
    Scheduler.Result placed = Scheduler.schedule(ns, ts);
    List<Task> running = new ArrayList<>(ts.size() + 1);
    for (Task t : ts) {
      String node = placed.placements().get(t.getId());
      if (node == null) continue;
      running.add(t.toBuilder().setNodeId(node).setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build());
    }
    Task extra = ts.get(0).toBuilder().setId("zz-extra").setSlot(perService + 1).build();
    List<Task> all = new ArrayList<>(running);
    all.add(extra);
    java.util.Map<String, NodeLoad> loads = new java.util.HashMap<>();
    for (Task t : running) loads.computeIfAbsent(t.getNodeId(), k -> new NodeLoad()).add(t, 1);
    double fullBest = Double.MAX_VALUE;
    double incBest = Double.MAX_VALUE;
    for (int r = 1; r <= runs; r++) {
      long t0 = System.nanoTime();
      Scheduler.Result full = Scheduler.schedule(ns, all);
      double fullMs = (System.nanoTime() - t0) / 1e6;
      t0 = System.nanoTime();
      Scheduler.Result inc = Scheduler.schedule(ns, loads, List.of(extra));
      double incMs = (System.nanoTime() - t0) / 1e6;
      if (!full.equals(inc)) throw new IllegalStateException("full and incremental placements differ: " + full + " vs " + inc);
      fullBest = Math.min(fullBest, fullMs);
      incBest = Math.min(incBest, incMs);
      System.out.printf("one more task with %d placed: full pass %.1f ms, from the load index %.2f ms%n", running.size(), fullMs, incMs);
    }
    System.out.printf("one more task, best: full pass %.1f ms, from the load index %.2f ms (%.0fx)%n", fullBest, incBest, fullBest / incBest);
  }
}
