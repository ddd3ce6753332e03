package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.manager.Ids;
import io.jswarm.manager.WatchLoop;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps every replicated service at its replica count. Each pass reconciles all services and
 * writes every change of the pass in ONE store batch (one Raft entry), whatever the number of
 * tasks involved.
 */
public final class ReplicatedOrchestrator extends WatchLoop {
  public ReplicatedOrchestrator(RaftStore store) {
    super(store, "orchestrator");
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    var o = e.newObject() != null ? e.newObject() : e.oldObject();
    return o.hasService() || o.hasNode() || (o.hasTask() && statusOrDesiredChanged(e));
  }

  private static boolean statusOrDesiredChanged(StoreEvent e) {
    if (e.oldObject() == null || e.newObject() == null) return true;
    Task a = e.oldObject().getTask();
    Task b = e.newObject().getTask();
    return a.getStatus().getState() != b.getStatus().getState()
        || a.getDesiredState() != b.getDesiredState();
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    long now = System.currentTimeMillis();
    store.update(tx -> {
      Set<String> down = new HashSet<>();
      for (Node n : tx.nodes()) {
        if (n.getStatus().getState() == NodeStatus.State.DOWN) down.add(n.getId());
      }
      Set<String> serviceIds = new HashSet<>();
      for (Service s : tx.services()) {
        serviceIds.add(s.getId());
        if (!s.getSpec().hasReplicated()) continue;
        var plan = ReplicatedReconciler.reconcile(s, tx.tasksByService(s.getId()), down, now, Ids::newId);
        plan.update().forEach(tx::update);
        plan.create().forEach(tx::create);
      }
      // Tasks whose service is gone.
      Map<String, List<Task>> orphans = tx.tasks().stream()
          .filter(t -> !serviceIds.contains(t.getServiceId()))
          .collect(Collectors.groupingBy(Task::getServiceId));
      for (List<Task> ts : orphans.values()) {
        for (Task t : ReplicatedReconciler.removeAll(new ArrayList<>(ts))) tx.update(t);
      }
    });
  }
}
