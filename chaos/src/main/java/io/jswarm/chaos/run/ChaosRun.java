package io.jswarm.chaos.run;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.ListServicesRequest;
import io.jswarm.api.RemoveServiceRequest;
import io.jswarm.chaos.check.AcknowledgedServices;
import io.jswarm.chaos.check.Check;
import io.jswarm.chaos.check.DuplicateSlots;
import io.jswarm.chaos.check.Linearizability;
import io.jswarm.chaos.history.History;
import io.jswarm.chaos.history.Op;
import io.jswarm.chaos.nemesis.Healer;
import io.jswarm.chaos.nemesis.Nemesis;
import io.jswarm.chaos.nemesis.NemesisContext;
import io.jswarm.chaos.workload.Probe;
import io.jswarm.chaos.workload.RegisterWorkload;
import io.jswarm.chaos.workload.ServiceChurn;
import io.jswarm.chaos.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One run of one scenario against a lab: set up the workloads, start them, inject the scenario's
 * faults on their schedule (inject, hold, heal, quiet) until the duration is used, stop the
 * clients, heal everything, wait for convergence, check, and hand back the verdict. Faults are
 * healed on every path out, a JVM shutdown (Ctrl-C) included. Every random choice (targets,
 * operations, values) comes from the seed, so a run's schedule is reproducible from it.
 */
public final class ChaosRun {
  /** Knobs with defaults that keep a 2-core lab machine responsive. */
  public record Options(int registerClients, int registers, boolean services, Duration opTimeout, Duration recoveryBound,
      Duration linearizabilityBudget) {
    public static Options defaults() {
      return new Options(3, 3, true, Duration.ofSeconds(5), Duration.ofSeconds(180), Duration.ofSeconds(30));
    }
  }

  private final LabTarget lab;
  private final Scenario scenario;
  private final long seed;
  private final Duration duration;
  private final Options options;
  private final Consumer<String> log;

  public ChaosRun(LabTarget lab, Scenario scenario, long seed, Duration duration, Options options, Consumer<String> log) {
    this.lab = lab;
    this.scenario = scenario;
    this.seed = seed;
    this.duration = duration;
    this.options = options;
    this.log = log;
  }

  public Verdict run() {
    if (scenario.unsupported() != null) {
      return Verdict.unsupported(scenario, seed, scenario.unsupported());
    }
    History history = new History();
    List<FaultWindow> faults = new ArrayList<>();
    List<Nemesis> used = new ArrayList<>();
    try (Clients clients = new Clients(lab)) {
      NemesisContext ctx = new NemesisContext(lab, clients, new Random(seed), log);
      AtomicBoolean healed = new AtomicBoolean(false);
      Thread hook = new Thread(() -> {
        if (!healed.get()) Healer.healAll(ctx, used);
      }, "chaos-heal");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        return runWith(clients, ctx, history, faults, used, healed);
      } finally {
        if (!healed.getAndSet(true)) Healer.healAll(ctx, used);
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
          // shutting down: the hook runs (and finds healed set)
        }
      }
    }
  }

  private Verdict runWith(Clients clients, NemesisContext ctx, History history, List<FaultWindow> faults, List<Nemesis> used,
      AtomicBoolean healed) {
    Convergence.Outcome before = Convergence.await(lab, clients, Duration.ofSeconds(120));
    if (before.took().isEmpty()) {
      throw new IllegalStateException("the cluster is not healthy before any fault: " + before.lastProblem());
    }
    String first = lab.managers().get(0);
    Map<String, String> initial = RegisterWorkload.prepare(clients, first, options.registers(), options.opTimeout());
    Random seeds = new Random(seed ^ 0x5eed);
    List<Workload> workloads = new ArrayList<>();
    for (int p = 0; p < options.registerClients(); p++) {
      workloads.add(new RegisterWorkload(clients, history, lab.managers(), options.registers(), p, seeds.nextLong(),
          options.opTimeout(), 100_000));
    }
    if (options.services()) {
      workloads.add(new ServiceChurn(clients, history, lab.managers(), 100, seeds.nextLong(), options.opTimeout(), 10_000, 3));
    }
    Probe probe = new Probe(lab, clients, history::now, 24 * 3600);
    workloads.add(probe);
    AtomicBoolean stop = new AtomicBoolean(false);
    List<Thread> threads = new ArrayList<>();
    for (Workload w : workloads) {
      Thread t = new Thread(() -> {
        try {
          w.run(stop);
        } catch (RuntimeException e) {
          log.accept(w.name() + " stopped: " + e);
        }
      }, "chaos-" + w.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    long end = System.nanoTime() + duration.toNanos();
    sleepUntil(Math.min(end, System.nanoTime() + 5_000_000_000L)); // a few seconds of fault-free history first
    List<Scenario.Step> steps = scenario.steps().get();
    for (int i = 0; !steps.isEmpty(); i++) {
      Scenario.Step step = steps.get(i % steps.size());
      long need = Duration.ofSeconds(step.holdSeconds()).toNanos();
      // the schedule's first round always runs whole (a slow restart must not crowd a fault out);
      // the duration only bounds the repeats
      if (i >= steps.size() && System.nanoTime() + need > end) break;
      Nemesis n = step.nemesis();
      used.add(n);
      long t0 = history.now();
      String targets;
      String error = null;
      try {
        targets = n.inject(ctx);
        log.accept("inject " + n.name() + ": " + targets);
      } catch (RuntimeException e) {
        targets = "";
        error = e.getMessage();
        log.accept("inject " + n.name() + " failed: " + e.getMessage());
      }
      sleepUntil(System.nanoTime() + need);
      n.heal(ctx);
      used.remove(n);
      faults.add(new FaultWindow(n.name(), targets, t0, history.now(), error));
      log.accept("healed " + n.name());
      if (error != null) break;
      long gap = System.nanoTime() + Duration.ofSeconds(step.gapSeconds()).toNanos();
      boolean firstRound = i + 1 < steps.size();
      sleepUntil(firstRound ? gap : Math.min(end, gap));
      if (!firstRound && System.nanoTime() >= end) break;
    }
    stop.set(true);
    for (Thread t : threads) {
      try {
        t.join(options.opTimeout().toMillis() * 3 + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Healer.healAll(ctx, used);
    healed.set(true);
    long healedAt = history.now();
    log.accept("all healed; waiting for convergence (bound " + options.recoveryBound().toSeconds() + " s)");
    Convergence.Outcome after = Convergence.await(lab, clients, options.recoveryBound());
    long convergedAt = history.now();
    for (int r = 0; r < 3; r++) {
      probe.sample();
      sleepUntil(System.nanoTime() + 1_000_000_000L);
    }
    String leader = clients.leader().orElse(first);
    for (int k = 0; k < options.registers(); k++) {
      RegisterWorkload.finalRead(clients, history, leader, RegisterWorkload.PREFIX + k, 9_000 + k);
    }
    List<Check> checks = new ArrayList<>();
    List<Op> ops = history.ops();
    Map<String, List<Op>> registers = History.byKey(ops, "read", "write", "cas");
    for (var e : registers.entrySet()) {
      var r = Linearizability.check(e.getValue(), initial.get(e.getKey()), options.linearizabilityBudget());
      String name = "linearizable " + e.getKey();
      String detail = r.calls() + " call(s)" + (r.detail().isEmpty() ? "" : "; " + r.detail());
      checks.add(switch (r.outcome()) {
        case LINEARIZABLE -> Check.pass(name, true, detail);
        case NOT_LINEARIZABLE -> Check.fail(name, true, detail, List.of(r.detail()));
        case UNKNOWN -> new Check(name, Check.Status.UNKNOWN, true, detail, List.of());
      });
    }
    Map<String, Long> replicas = finalReplicas(clients, leader);
    if (replicas != null) {
      checks.add(AcknowledgedServices.check(ops, replicas));
    } else {
      checks.add(new Check("no-acknowledged-service-lost", Check.Status.UNKNOWN, true, "services could not be listed at the end", List.of()));
    }
    long settle = Duration.ofSeconds(30).toNanos();
    checks.add(DuplicateSlots.check(probe.samples(), t -> faults.stream()
        .noneMatch(f -> t >= f.injectedNanos() && t <= f.healedNanos() + settle) && (t < faults.stream()
        .mapToLong(FaultWindow::injectedNanos).min().orElse(Long.MAX_VALUE) || t >= Math.min(convergedAt, healedAt + settle))));
    checks.add(after.took().isPresent()
        ? Check.pass("converged-after-heal", false, "within " + after.took().get().toMillis() / 1000.0 + " s of the last heal (bound "
            + options.recoveryBound().toSeconds() + " s)")
        : Check.fail("converged-after-heal", false, "not within " + options.recoveryBound().toSeconds() + " s",
            List.of(after.lastProblem())));
    cleanUp(clients, leader);
    return new Verdict(scenario.name(), scenario.fault(), scenario.expected(), seed, duration, faults, checks, ops,
        probe.samples(), after.took().orElse(null), null);
  }

  /** Replicas of every churn service that exists at the end; null when the services cannot be listed. */
  private Map<String, Long> finalReplicas(Clients clients, String leader) {
    for (String h : List.of(leader, lab.managers().get(0))) {
      try {
        Map<String, Long> out = new HashMap<>();
        for (var s : clients.control(h, 5_000).listServices(ListServicesRequest.getDefaultInstance()).getServicesList()) {
          if (s.getSpec().getName().startsWith(ServiceChurn.PREFIX)) out.put(s.getSpec().getName(), s.getSpec().getReplicated().getReplicas());
        }
        return out;
      } catch (StatusRuntimeException e) {
        log.accept("listing services on " + h + ": " + e.getStatus());
      }
    }
    return null;
  }

  /** Removes the churn services (registers stay: the next run starts from their values). */
  private void cleanUp(Clients clients, String leader) {
    Map<String, Long> left = finalReplicas(clients, leader);
    if (left == null) return;
    for (String name : left.keySet()) {
      try {
        clients.control(leader, 5_000).removeService(RemoveServiceRequest.newBuilder().setRef(name).build());
      } catch (StatusRuntimeException e) {
        log.accept("cleanup: cannot remove " + name + ": " + e.getStatus());
      }
    }
  }

  private static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      try {
        Thread.sleep(Math.min(left / 1_000_000 + 1, 1_000)); // the schedule's hold and quiet periods
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
