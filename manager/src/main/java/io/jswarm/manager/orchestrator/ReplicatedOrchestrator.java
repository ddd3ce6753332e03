package io.jswarm.manager.orchestrator;

import io.jswarm.api.Node;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.UpdateStatus;
import io.jswarm.manager.Chunks;
import io.jswarm.manager.Ids;
import io.jswarm.manager.WatchLoop;
import io.jswarm.store.BatchWriter;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreException;
import io.jswarm.store.StoreView;
import io.jswarm.store.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps every service converged: replicated ones at their replica count
 * ({@link ReplicatedReconciler}), global ones at one task per eligible node
 * ({@link GlobalReconciler}), stale tasks replaced in rolling-update batches
 * ({@link UpdateSupervisor}). Tasks on drained nodes are treated like tasks on down nodes: they
 * are replaced elsewhere at once; tasks of a removed service are removed.
 *
 * <p>Incremental: a pass reconciles only the services its {@link OrchestratorIndex} marked dirty
 * (a change of the service, of the state of one of its tasks, or of a node it has tasks on or,
 * for global services, of any node), plus services in a rolling update once a second (their
 * batches move with time). Writes go through a leader-fenced {@link BatchWriter} in bounded
 * entries.
 */
public final class ReplicatedOrchestrator extends WatchLoop {
  private static final long UPDATE_TICK_MS = 1_000;
  private final OrchestratorIndex index = new OrchestratorIndex();
  private long nextUpdateTick = Long.MAX_VALUE;

  public ReplicatedOrchestrator(RaftStore store) {
    super(store, "orchestrator");
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    var o = e.object();
    return o.hasService() || o.hasNode() || (o.hasTask() && OrchestratorIndex.taskChanged(e));
  }

  @Override
  protected void reset(StoreView v) {
    index.reset(v);
  }

  @Override
  protected void onEvent(StoreEvent e) {
    index.apply(e);
  }

  @Override
  protected long nextDueMs() {
    return index.updating.isEmpty() ? Long.MAX_VALUE : nextUpdateTick;
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    long now = System.currentTimeMillis();
    if (now >= nextUpdateTick || nextUpdateTick == Long.MAX_VALUE) {
      index.dirtyServices.addAll(index.updating);
      nextUpdateTick = now + UPDATE_TICK_MS;
    }
    Set<String> todo = store.read(v -> index.takeDirty(v, visited));
    if (todo.isEmpty()) return;
    List<Node> nodes = new ArrayList<>(index.nodes.values());
    Set<String> down = index.down();
    // The planning index: the store has applied at least this much, so every task made below
    // sorts after every task made by an earlier pass (creation order without clocks).
    long planIndex = store.appliedIndex();
    BatchWriter batch = store.leaderBatch(); // fenced to this leadership's term
    try {
      for (String id : todo) reconcile(batch, id, nodes, down, now, planIndex);
      batch.commit();
    } catch (Exception e) {
      index.dirtyServices.addAll(todo); // a failed commit may have lost any of them
      throw e;
    }
  }

  /** What one service needs: task changes, then (last) a change of the service itself. */
  record Plan(Service service, List<Task> updates, List<Task> creates, Service serviceChange) {}

  private void reconcile(BatchWriter batch, String serviceId, List<Node> nodes, Set<String> down, long now, long planIndex)
      throws StoreException {
    record Read(Service service, List<Task> tasks) {}
    Read read = store.read(v -> new Read(v.service(serviceId).orElse(null), v.tasksByService(serviceId)));
    visited.addAndGet(1 + read.tasks().size());
    if (read.service() == null) {
      // the service is gone: its tasks go too
      for (List<Task> chunk : Chunks.of(ReplicatedReconciler.removeAll(read.tasks()), store.limits())) {
        batch.update(tx -> chunk.forEach(tx::update));
      }
      return;
    }
    Plan plan = plan(read.service(), read.tasks(), nodes, down, now, planIndex);
    long version = plan.service().getMeta().getVersion();
    // Each group checks that the service is still the one planned for (and records that read,
    // so an entry is refused if the spec changed before it applied); the change re-dirties it.
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

  static Plan plan(Service s, List<Task> tasks, List<Node> nodes, Set<String> down, long now, long planIndex) {
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
    List<Task> creates = plan.create().stream().map(t -> t.toBuilder().setCreatedIndex(planIndex).build()).toList();
    return new Plan(s, plan.update(), creates, change);
  }
}
