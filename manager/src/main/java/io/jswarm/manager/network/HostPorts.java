package io.jswarm.manager.network;

import io.jswarm.api.PortConfig;
import io.jswarm.api.Task;
import io.jswarm.api.TaskStates;
import io.jswarm.store.StoreView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Host-mode ports with no published port given (`-P`, `127.0.0.1::80`): a free one from the
 * dynamic range on the task's node, chosen as the task is placed. Fixed ones were already
 * checked by the scheduler's host-port filter.
 */
public final class HostPorts {
  private final StoreView view;
  private final Map<String, Set<String>> usedByNode = new HashMap<>();

  public HostPorts(StoreView view) {
    this.view = view;
  }

  private Set<String> used(String nodeId) {
    return usedByNode.computeIfAbsent(nodeId, n -> {
      Set<String> out = new HashSet<>();
      for (Task t : view.tasksByNode(n)) {
        if (TaskStates.isTerminal(t.getStatus().getState())) continue;
        for (PortConfig p : t.getPortsList()) if (p.getPublishedPort() != 0) out.add(key(p.getProtocol(), p.getPublishedPort()));
      }
      return out;
    });
  }

  private static String key(PortConfig.Protocol proto, long port) {
    return proto.name().toLowerCase() + "/" + port;
  }

  /** Fills the task's dynamic host ports for {@code nodeId}; an error when none is free. */
  public String fill(Task.Builder t, String nodeId) {
    Set<String> used = used(nodeId);
    for (int i = 0; i < t.getPortsCount(); i++) {
      PortConfig p = t.getPorts(i);
      if (p.getPublishedPort() != 0) {
        used.add(key(p.getProtocol(), p.getPublishedPort()));
        continue;
      }
      int chosen = 0;
      PortRange range = PortRange.of(view);
      for (int c = range.lo(); c <= range.hi() && chosen == 0; c++) {
        if (!used.contains(key(p.getProtocol(), c))) chosen = c;
      }
      if (chosen == 0) return "no free host port left in the dynamic range " + range;
      used.add(key(p.getProtocol(), chosen));
      t.setPorts(i, p.toBuilder().setPublishedPort(chosen));
    }
    return null;
  }
}
