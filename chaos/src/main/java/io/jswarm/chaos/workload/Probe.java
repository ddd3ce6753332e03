package io.jswarm.chaos.workload;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.ContainerInfo;
import io.jswarm.api.ListContainersRequest;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.Task;
import io.jswarm.chaos.run.Clients;
import io.jswarm.chaos.run.LabTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Once a second, every node's running containers, asked of each node itself (NodeLocal over its
 * socket, so a partitioned node still answers: its containers run on). Task ids are mapped to their
 * service slot with ListTasks on a manager; the duplicate-slot checker reads the samples.
 */
public final class Probe implements Workload {
  /** One running container seen on one host at one probe round. */
  public record Sample(long nanos, int round, String host, String taskId, String serviceId, long slot) {}

  private final LabTarget lab;
  private final Clients clients;
  private final LongSupplier clock;
  private final long maxRounds;
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private int round;

  public Probe(LabTarget lab, Clients clients, LongSupplier clock, long maxRounds) {
    this.lab = lab;
    this.clients = clients;
    this.clock = clock;
    this.maxRounds = maxRounds;
  }

  @Override
  public String name() {
    return "probe";
  }

  @Override
  public void setUp() {}

  @Override
  public void run(AtomicBoolean stop) {
    while (!stop.get() && round < maxRounds) {
      long start = System.nanoTime();
      sample();
      long left = 1_000 - (System.nanoTime() - start) / 1_000_000;
      if (left > 0) RegisterWorkload.pause(left); // one round per second
    }
  }

  /** One round over every host; public so the final check can take one more. */
  public synchronized int sample() {
    round++;
    long t = clock.getAsLong();
    boolean unknown = false;
    List<String[]> seen = new ArrayList<>();
    for (String h : lab.hosts()) {
      try {
        for (ContainerInfo c : clients.local(h, 800).listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
          if (!c.getStatus().equals("running") || c.getTaskId().isEmpty()) continue;
          seen.add(new String[] {h, c.getTaskId(), c.getLabelsOrDefault("io.jswarm.service.id", "")});
          if (!tasks.containsKey(c.getTaskId())) unknown = true;
        }
      } catch (StatusRuntimeException e) {
        // a stopped or restarting daemon: its containers are unknown this round
      }
    }
    if (unknown) refreshTasks();
    for (String[] s : seen) {
      Task task = tasks.get(s[1]);
      samples.add(new Sample(t, round, s[0], s[1], s[2], task == null ? -1 : task.getSlot()));
    }
    return round;
  }

  private void refreshTasks() {
    for (String m : lab.managers()) {
      try {
        for (Task task : clients.control(m, 1_500).listTasks(ListTasksRequest.getDefaultInstance()).getTasksList()) {
          tasks.put(task.getId(), task);
        }
        return;
      } catch (StatusRuntimeException e) {
        // try the next manager
      }
    }
  }

  public synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }
}
