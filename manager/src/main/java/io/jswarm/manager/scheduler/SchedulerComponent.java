package io.jswarm.manager.scheduler;

import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.manager.WatchLoop;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Assigns pending tasks to nodes: runs {@link Scheduler#schedule} over the store and writes all
 * placements of a pass in one batch. Tasks with a restart delay wait until their time.
 */
public final class SchedulerComponent extends WatchLoop {
  private volatile long nextDueMs = Long.MAX_VALUE;

  public SchedulerComponent(RaftStore store) {
    super(store, "scheduler");
  }

  @Override
  protected Duration idle() {
    long wait = nextDueMs - System.currentTimeMillis();
    return Duration.ofMillis(Math.max(10, Math.min(1_000, wait)));
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    var o = e.newObject() != null ? e.newObject() : e.oldObject();
    return o.hasNode() || o.hasTask();
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    long now = System.currentTimeMillis();
    long[] next = {Long.MAX_VALUE};
    store.update(tx -> {
      List<Task> due = new ArrayList<>();
      for (Task t : tx.tasks()) {
        if (Scheduler.isPending(t) && t.getNotBeforeMs() > now) {
          next[0] = Math.min(next[0], t.getNotBeforeMs());
          continue; // not yet: treated as neither pending nor load
        }
        due.add(t);
      }
      Scheduler.Result r = Scheduler.schedule(tx.nodes(), due);
      for (Map.Entry<String, String> p : r.placements().entrySet()) {
        Task t = tx.task(p.getKey()).orElseThrow();
        tx.update(t.toBuilder().setNodeId(p.getValue())
            .setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED)
                .setTimestampMs(now).setMessage("scheduler assigned task to node"))
            .build());
      }
      for (Map.Entry<String, String> u : r.unplaced().entrySet()) {
        Task t = tx.task(u.getKey()).orElseThrow();
        if (!t.getStatus().getErr().equals(u.getValue())) {
          tx.update(t.toBuilder().setStatus(t.getStatus().toBuilder().setErr(u.getValue())).build());
        }
      }
    });
    nextDueMs = next[0];
  }
}
