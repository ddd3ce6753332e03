package io.jswarm.worker.agent;

import io.jswarm.api.HealthConfig;
import io.jswarm.api.Task;
import io.jswarm.worker.engine.LocalEngine;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the healthcheck probes of this node's running tasks (objects.proto, HealthConfig) and
 * keeps each task's health; the agent's reconciler reports RUNNING only once healthy and FAILED
 * "unhealthy container" once unhealthy. The state machine is {@link #next}, a pure function.
 */
final class HealthMonitor implements AutoCloseable {
  static final long DEFAULT_INTERVAL_MS = 30_000;
  static final long DEFAULT_TIMEOUT_MS = 30_000;
  static final long DEFAULT_RETRIES = 3;
  private static final long TICK_MS = 100;

  enum Status { STARTING, HEALTHY, UNHEALTHY }

  /** A task's health: consecutive failures, since when it is watched, when it was last probed. */
  record Health(Status status, long failures, long since, long lastProbe) {}

  private final LocalEngine engine;
  private final Runnable onChange;
  private final Map<String, Health> health = new ConcurrentHashMap<>();
  private final Map<String, Task> watched = new ConcurrentHashMap<>();
  private final Set<String> probing = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "agent-health");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "agent-health-probe");
    t.setDaemon(true);
    return t;
  });

  HealthMonitor(LocalEngine engine, Runnable onChange) {
    this.engine = engine;
    this.onChange = onChange;
    timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** Whether a task has a healthcheck to honour (a test that is not NONE). */
  static boolean hasHealthcheck(Task t) {
    List<String> test = t.getSpec().getContainer().getHealthcheck().getTestList();
    return !test.isEmpty() && !test.get(0).equals("NONE");
  }

  static List<String> command(HealthConfig h) {
    List<String> test = h.getTestList();
    if (test.get(0).equals("CMD-SHELL")) return List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
    return test.subList(1, test.size());
  }

  /** The tasks whose containers run now; the others are forgotten. */
  void watch(List<Task> running) {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    for (Task t : running) {
      if (!hasHealthcheck(t)) continue;
      ids.add(t.getId());
      watched.putIfAbsent(t.getId(), t);
      if (health.putIfAbsent(t.getId(), new Health(Status.STARTING, 0, System.currentTimeMillis(), 0)) == null) {
        engine.setHealth(t.getId(), "starting");
      }
    }
    watched.keySet().retainAll(ids);
    for (String gone : health.keySet()) {
      if (!ids.contains(gone)) engine.setHealth(gone, null);
    }
    health.keySet().retainAll(ids);
  }

  Status status(String taskId) {
    Health h = health.get(taskId);
    return h == null ? Status.STARTING : h.status();
  }

  private void tick() {
    long now = System.currentTimeMillis();
    for (Task t : watched.values()) {
      Health h = health.get(t.getId());
      if (h == null || probing.contains(t.getId())) continue;
      HealthConfig cfg = t.getSpec().getContainer().getHealthcheck();
      long interval = cfg.getIntervalMs() > 0 ? cfg.getIntervalMs() : DEFAULT_INTERVAL_MS;
      if (now - Math.max(h.since(), h.lastProbe()) < interval) continue;
      probing.add(t.getId());
      probes.execute(() -> {
        try {
          long timeout = cfg.getTimeoutMs() > 0 ? cfg.getTimeoutMs() : DEFAULT_TIMEOUT_MS;
          boolean ok = engine.exec(t.getId(), command(cfg), timeout) == 0;
          Health before = health.get(t.getId());
          if (before == null) return;
          Health after = next(before, ok, System.currentTimeMillis(), cfg);
          if (health.replace(t.getId(), after) != null) {
            engine.setHealth(t.getId(), after.status().name().toLowerCase(java.util.Locale.ROOT));
          }
          if (after.status() != before.status()) onChange.run();
        } finally {
          probing.remove(t.getId());
        }
      });
    }
  }

  /** One probe's result applied: success → HEALTHY; retries consecutive failures after the start period → UNHEALTHY. */
  static Health next(Health h, boolean ok, long now, HealthConfig cfg) {
    if (ok) return new Health(Status.HEALTHY, 0, h.since(), now);
    long retries = cfg.getRetries() > 0 ? cfg.getRetries() : DEFAULT_RETRIES;
    boolean grace = h.status() == Status.STARTING && now - h.since() < cfg.getStartPeriodMs();
    long failures = grace ? 0 : h.failures() + 1;
    Status s = failures >= retries ? Status.UNHEALTHY : h.status();
    return new Health(s, failures, h.since(), now);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    probes.shutdownNow();
  }
}
