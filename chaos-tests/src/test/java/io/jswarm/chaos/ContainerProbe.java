package io.jswarm.chaos;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lists the live runc containers (created, running or paused) of some lab hosts about once a
 * second for the whole test, so that "no slot ever ran two containers" is checked from what the
 * nodes really ran, not from what the managers believe. Container ids are task ids.
 */
final class ContainerProbe implements AutoCloseable {
  private final Lab lab;
  private final List<String> hosts;
  private final List<Set<String>> samples = new CopyOnWriteArrayList<>();
  private final Map<String, String> slotOfTask = new HashMap<>();
  private final List<String> doubles = new ArrayList<>();
  private volatile boolean running = true;
  private Thread thread;

  ContainerProbe(Lab lab, List<String> hosts) {
    this.lab = lab;
    this.hosts = List.copyOf(hosts);
  }

  void start() {
    thread = new Thread(this::loop, "container-probe");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      long next = System.nanoTime() + 1_000_000_000L;
      Set<String> live = new HashSet<>();
      for (String h : hosts) live.addAll(liveContainers(h));
      samples.add(live);
      FailoverLabIT.sleepUntil(next);
    }
  }

  private Set<String> liveContainers(String host) {
    Lab.Result r = Lab.exec(List.of("runc", "--root", lab.dir().resolve(host).resolve("data/runc").toString(),
        "list"), Map.of(), Duration.ofSeconds(30));
    Set<String> ids = new HashSet<>();
    if (!r.ok()) return ids;
    // the table: ID PID STATUS BUNDLE CREATED OWNER, after a header line
    r.out().lines().skip(1).map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 3)
        .filter(f -> !f[2].equals("stopped")).forEach(f -> ids.add(f[0]));
    return ids;
  }

  /**
   * How many samples saw two live containers for one slot of one replicated service. Maps
   * container ids to slots with the tasks the managers still hold (a task removed before this
   * call is not counted: its slot is unknown).
   */
  synchronized int doubleSlots(Lab lab, Api api) {
    for (String m : lab.managers()) {
      try {
        for (Task t : api.control(m, 30_000).listTasks(ListTasksRequest.getDefaultInstance()).getTasksList()) {
          if (t.getSlot() > 0) slotOfTask.put(t.getId(), t.getServiceId() + "." + t.getSlot());
        }
        break;
      } catch (StatusRuntimeException e) {
        // a manager down or electing: ask the next one
      }
    }
    doubles.clear();
    int n = 0;
    for (Set<String> sample : samples) {
      Map<String, List<String>> bySlot = new HashMap<>();
      for (String id : sample) {
        String slot = slotOfTask.get(id);
        if (slot != null) bySlot.computeIfAbsent(slot, k -> new ArrayList<>()).add(id);
      }
      for (var e : bySlot.entrySet()) {
        if (e.getValue().size() > 1) {
          n++;
          if (doubles.size() < 10) doubles.add(e.getKey() + " ran " + e.getValue());
        }
      }
    }
    return n;
  }

  synchronized String report() {
    return samples.size() + " samples; doubles: " + doubles;
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      try {
        thread.join(35_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
