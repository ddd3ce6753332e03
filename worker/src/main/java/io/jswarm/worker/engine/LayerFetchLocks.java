package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One download per layer digest across image names: a store of an image first locks the stripes
 * of the layers it lacks, so a concurrent pull of another name sharing a layer waits, then finds
 * the layer stored and fetches nothing (containerd's per-ref ingest lock, in spirit). Stripes are
 * taken in ascending order, so two images with shared layers in different orders cannot deadlock.
 */
final class LayerFetchLocks {
  private static final int STRIPES = 64;
  private final Lock[] stripes = new Lock[STRIPES];

  LayerFetchLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Locks the stripes of the manifest's layers that {@code have} says are missing; unlock with {@link #unlock}. */
  List<Lock> lockMissing(JsonNode layers, Predicate<JsonNode> have) {
    TreeSet<Integer> idx = new TreeSet<>();
    for (JsonNode l : layers) {
      if (!have.test(l)) {
        idx.add(Math.floorMod(l.path("digest").asText("").hashCode(), STRIPES));
      }
    }
    List<Lock> held = new ArrayList<>();
    for (int i : idx) {
      stripes[i].lock();
      held.add(stripes[i]);
    }
    return held;
  }

  static void unlock(List<Lock> held) {
    for (int i = held.size() - 1; i >= 0; i--) {
      held.get(i).unlock();
    }
  }
}
