package io.jswarm.manager.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.api.Task;
import io.jswarm.manager.ModelStore;
import io.jswarm.manager.RandomChanges;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reaper run incrementally, as the component does (events into its index, a decision over
 * what changed, the deletions applied), decides at every step exactly what the full recompute
 * ({@link TaskReaper#reap}) over the whole state decides, and its index equals a rebuild.
 * 200 seeds × 150 events; well under a second.
 */
@Timeout(60)
class ReaperPropertyTest {
  @Test
  void incrementalDecisionsEqualTheFullRecompute() {
    AtomicLong visited = new AtomicLong();
    for (long seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      ModelStore m = new ModelStore();
      RandomChanges changes = new RandomChanges(r, m);
      for (int i = 0; i < 30; i++) changes.step();
      ReaperIndex index = new ReaperIndex();
      index.reset(m);
      for (int step = 0; step <= 150; step++) {
        String at = "seed " + seed + " step " + step;
        Set<String> full = ids(TaskReaper.reap(m.tasks(), m.nodes(), ReaperIndex.limitOf(m)));
        List<Task> decided = index.decide(m, visited);
        assertEquals(full, ids(decided), at);
        for (Task t : decided) index.apply(m.delete(t));
        ReaperIndex fresh = new ReaperIndex();
        fresh.reset(m);
        assertEquals(fresh.kept(), index.kept(), at);
        index.apply(changes.step());
      }
    }
  }

  private static Set<String> ids(List<Task> ts) {
    return ts.stream().map(Task::getId).collect(Collectors.toSet());
  }
}
