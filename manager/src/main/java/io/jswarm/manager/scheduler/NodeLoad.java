package io.jswarm.manager.scheduler;

import io.jswarm.api.Resources;
import io.jswarm.api.Task;
import java.util.HashMap;
import java.util.Map;

/**
 * What the live tasks on one node take: reservations, counts per service (id and name) and the
 * fixed host ports they publish (counted: two tasks may briefly hold one during a handover).
 * Kept by the scheduler's {@link SchedulerIndex} task by task, added and subtracted as tasks
 * start and stop counting ({@link Scheduler#isLoad}).
 */
final class NodeLoad {
  long cpu;
  long mem;
  int total;
  final Map<String, Integer> perService = new HashMap<>();
  final Map<String, Integer> perServiceName = new HashMap<>();
  final Map<String, Integer> hostPorts = new HashMap<>();

  void add(Task t, int sign) {
    Resources r = Scheduler.reservations(t.getSpec());
    cpu += sign * r.getNanoCpus();
    mem += sign * r.getMemoryBytes();
    total += sign;
    count(perService, t.getServiceId(), sign);
    count(perServiceName, t.getServiceName(), sign);
    for (String p : Scheduler.hostPortsOf(t)) count(hostPorts, p, sign);
  }

  private static void count(Map<String, Integer> m, String k, int sign) {
    m.merge(k, sign, (a, b) -> a + b == 0 ? null : a + b);
  }

  boolean isEmpty() {
    return total == 0 && cpu == 0 && mem == 0 && perService.isEmpty() && perServiceName.isEmpty() && hostPorts.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeLoad n && cpu == n.cpu && mem == n.mem && total == n.total
        && perService.equals(n.perService) && perServiceName.equals(n.perServiceName) && hostPorts.equals(n.hostPorts);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(cpu, mem, total, perService, perServiceName, hostPorts);
  }

  @Override
  public String toString() {
    return "NodeLoad{cpu=" + cpu + ", mem=" + mem + ", total=" + total + ", services=" + perService + ", ports=" + hostPorts + "}";
  }
}
