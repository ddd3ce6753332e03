package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.UpdateStatus;
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
 * Keeps every service converged: replicated ones at their replica count
 * ({@link ReplicatedReconciler}), global ones at one task per eligible node
 * ({@link GlobalReconciler}), stale tasks replaced in rolling-update batches
 * ({@link UpdateSupervisor}). Tasks on drained nodes are treated like tasks on down nodes: they
 * are replaced elsewhere at once. Each pass reconciles all services and writes every change of
 * the pass in ONE store batch (one Raft entry), whatever the number of tasks involved.
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
      List<Node> nodes = tx.nodes();
      for (Node n : nodes) {
        if (n.getStatus().getState() == NodeStatus.State.DOWN
            || n.getSpec().getAvailability() == NodeSpec.Availability.DRAIN) down.add(n.getId());
      }
      Set<String> serviceIds = new HashSet<>();
      for (Service s : tx.services()) {
        serviceIds.add(s.getId());
        List<Task> tasks = tx.tasksByService(s.getId());
        long slots = s.getSpec().hasReplicated() ? s.getSpec().getReplicated().getReplicas() : nodes.size();
        UpdateSupervisor.Step step = UpdateSupervisor.step(s, tasks, slots, now);
        if (step.rollback()) {
          var to = ServiceHistory.find(s, 0);
          if (to.isPresent()) {
            tx.update(io.jswarm.api.StoreObject.newBuilder().setService(ServiceHistory.change(s, to.get().getSpec(), now,
                UpdateStatus.State.ROLLBACK_STARTED, step.status().getMessage())).build());
            continue; // the next pass replaces the tasks with the rollback config
          }
          step = new UpdateSupervisor.Step(0, false, step.status().toBuilder().setState(UpdateStatus.State.PAUSED)
              .setMessage(step.status().getMessage().replace("rolled back", "paused") + "; no previous spec to roll back to").build(), false);
        }
        var plan = s.getSpec().hasGlobal()
            ? GlobalReconciler.reconcile(s, tasks, nodes, now, Ids::newId, step.budget())
            : ReplicatedReconciler.reconcile(s, tasks, down, now, Ids::newId, step.budget(), step.startFirst());
        UpdateStatus status = UpdateSupervisor.settle(step.status(), s.getUpdateStatus(), !plan.create().isEmpty());
        if (status != null && !status.equals(s.getUpdateStatus())) {
          tx.update(io.jswarm.api.StoreObject.newBuilder().setService(s.toBuilder().setUpdateStatus(status)).build());
        }
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
