package io.jswarm.manager.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.manager.ModelStore;
import io.jswarm.manager.RandomChanges;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The allocator's address index, after any seeded random sequence of store events, equals one
 * rebuilt from the final state, and holds on each network exactly what the full scan
 * ({@link TaskAddresses#taken}) finds. 200 seeds × 150 events; well under a second.
 */
@Timeout(60)
class AddressIndexPropertyTest {
  @Test
  void incrementalIndexEqualsRebuildAndTheFullScan() {
    for (long seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      ModelStore m = new ModelStore();
      RandomChanges changes = new RandomChanges(r, m);
      for (int i = 0; i < 20; i++) changes.step();
      AddressIndex index = new AddressIndex();
      index.reset(m);
      for (int step = 0; step < 150; step++) {
        index.apply(changes.step());
        if (step % 25 == 24) check(seed, step, m, index);
      }
      check(seed, 150, m, index);
    }
  }

  private static void check(long seed, int step, ModelStore m, AddressIndex index) {
    AddressIndex fresh = new AddressIndex();
    fresh.reset(m);
    assertEquals(fresh.snapshot(), index.snapshot(), "seed " + seed + " step " + step);
    for (var n : m.networks()) {
      assertEquals(TaskAddresses.taken(m, n.getId()), index.heldOn(n.getId()), "seed " + seed + " step " + step + " " + n.getId());
    }
  }
}
