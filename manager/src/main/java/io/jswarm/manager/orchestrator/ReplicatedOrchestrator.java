package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.UpdateStatus;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.manager.Chunks;
import io.jswarm.manager.Ids;
import io.jswarm.manager.WatchLoop;
import io.jswarm.store.BatchWriter;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreException;
import io.jswarm.store.Tx;
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
    // Fenced to this leadership's term, and committed in bounded entries: a pass that changes
    // thousands of tasks never makes one huge Raft entry (issue 11).
    BatchWriter batch = store.leaderBatch();
    record Start(List<Node> nodes, Set<String> down, List<String> serviceIds, List<Task> orphans) {}
    Start start = store.read(v -> {
      Set<String> down = new HashSet<>();
      List<Node> nodes = v.nodes();
      for (Node n : nodes) {
        if (n.getStatus().getState() == NodeStatus.State.DOWN
            || n.getSpec().getAvailability() == NodeSpec.Availability.DRAIN) down.add(n.getId());
      }
      Set<String> ids = new HashSet<>();
      List<String> serviceIds = new ArrayList<>();
      for (Service s : v.services()) {
        ids.add(s.getId());
        serviceIds.add(s.getId());
      }
      // Tasks whose service is gone.
      Map<String, List<Task>> orphans = v.tasks().stream()
          .filter(t -> !ids.contains(t.getServiceId()))
          .collect(Collectors.groupingBy(Task::getServiceId));
      List<Task> remove = new ArrayList<>();
      for (List<Task> ts : orphans.values()) remove.addAll(ReplicatedReconciler.removeAll(new ArrayList<>(ts)));
      return new Start(nodes, down, serviceIds, remove);
    });
    for (String id : start.serviceIds()) {
      reconcile(batch, id, start.nodes(), start.down(), now);
    }
    for (List<Task> chunk : Chunks.of(start.orphans(), store.limits())) {
      batch.update(tx -> chunk.forEach(tx::update));
    }
    batch.commit();
  }

  /** What one service needs: task changes, then (last) a change of the service itself. */
  private record Plan(Service service, List<Task> updates, List<Task> creates, Service serviceChange) {}

  private void reconcile(BatchWriter batch, String serviceId, List<Node> nodes, Set<String> down, long now)
      throws StoreException {
    Plan plan = store.read(v -> v.service(serviceId).map(s -> plan(s, v.tasksByService(serviceId), nodes, down, now))
        .orElse(null));
    if (plan == null) return;
    long version = plan.service().getMeta().getVersion();
    // Each group checks that the service is still the one planned for (and records that read,
    // so an entry is refused if the spec changed before it applied); the next pass redoes it.
    // Updates first: a slot's old task ends in the same or an earlier entry than its successor
    // is created (the store refuses a second live task in a slot).
    for (List<Task> chunk : Chunks.of(plan.updates(), store.limits())) {
      batch.update(tx -> {
        if (plannedFrom(tx, serviceId, version)) chunk.forEach(tx::update);
      });
    }
    for (List<Task> chunk : Chunks.of(plan.creates(), store.limits())) {
      batch.update(tx -> {
        if (plannedFrom(tx, serviceId, version)) chunk.forEach(tx::create);
      });
    }
    if (plan.serviceChange() != null) {
      batch.update(tx -> {
        if (plannedFrom(tx, serviceId, version)) tx.update(plan.serviceChange());
      });
    }
  }

  private static boolean plannedFrom(Tx tx, String serviceId, long version) {
    return tx.service(serviceId).map(s -> s.getMeta().getVersion() == version).orElse(false);
  }

  private static Plan plan(Service s, List<Task> tasks, List<Node> nodes, Set<String> down, long now) {
    long slots = s.getSpec().hasReplicated() ? s.getSpec().getReplicated().getReplicas() : nodes.size();
    UpdateSupervisor.Step step = UpdateSupervisor.step(s, tasks, slots, now);
    if (step.rollback()) {
      var to = ServiceHistory.find(s, 0);
      if (to.isPresent()) {
        // the next pass replaces the tasks with the rollback config
        return new Plan(s, List.of(), List.of(), ServiceHistory.change(s, to.get().getSpec(), now,
            UpdateStatus.State.ROLLBACK_STARTED, step.status().getMessage()));
      }
      step = new UpdateSupervisor.Step(0, false, step.status().toBuilder().setState(UpdateStatus.State.PAUSED)
          .setMessage(step.status().getMessage().replace("rolled back", "paused") + "; no previous spec to roll back to").build(), false);
    }
    var plan = s.getSpec().hasGlobal()
        ? GlobalReconciler.reconcile(s, tasks, nodes, now, Ids::newId, step.budget())
        : ReplicatedReconciler.reconcile(s, tasks, down, now, Ids::newId, step.budget(), step.startFirst());
    UpdateStatus status = UpdateSupervisor.settle(step.status(), s.getUpdateStatus(), !plan.create().isEmpty());
    Service change = status != null && !status.equals(s.getUpdateStatus()) ? s.toBuilder().setUpdateStatus(status).build() : null;
    return new Plan(s, plan.update(), plan.create(), change);
  }
}
