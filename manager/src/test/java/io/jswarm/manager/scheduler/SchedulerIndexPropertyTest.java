package io.jswarm.manager.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.manager.ModelStore;
import io.jswarm.manager.RandomChanges;
import io.jswarm.store.StoreEvent;
import java.util.ArrayList;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler's incremental index (nodes, load per node, pending tasks), after any seeded
 * random sequence of store events, equals one rebuilt from the final state, and scheduling from
 * it places exactly as {@link Scheduler#schedule(java.util.List, java.util.List)} over every
 * task does. 200 seeds × 150 events; well under a second.
 */
@Timeout(60)
class SchedulerIndexPropertyTest {
  @Test
  void incrementalIndexEqualsRebuildAndSchedulesTheSame() {
    for (long seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      ModelStore m = new ModelStore();
      RandomChanges changes = new RandomChanges(r, m);
      for (int i = 0; i < 20; i++) changes.step();
      SchedulerIndex index = new SchedulerIndex();
      index.reset(m);
      for (int step = 0; step < 150; step++) {
        StoreEvent e = changes.step();
        index.apply(e);
        if (step % 25 == 24) check(seed, step, m, index);
      }
      check(seed, 150, m, index);
    }
  }

  private static void check(long seed, int step, ModelStore m, SchedulerIndex index) {
    SchedulerIndex fresh = new SchedulerIndex();
    fresh.reset(m);
    assertEquals(fresh.kept(), index.kept(), "seed " + seed + " step " + step);
    Scheduler.Result full = Scheduler.schedule(m.nodes(), m.tasks());
    Scheduler.Result incremental = Scheduler.schedule(new ArrayList<>(index.nodes.values()), index.loads,
        new ArrayList<>(index.pending.values()));
    assertEquals(full, incremental, "seed " + seed + " step " + step);
  }
}
