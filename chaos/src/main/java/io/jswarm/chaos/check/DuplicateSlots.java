package io.jswarm.chaos.check;

import io.jswarm.chaos.workload.Probe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * No slot of a replicated service runs two containers at once. During a partition a cut-off worker
 * keeps running its containers while the managers replace them (Docker Swarm's behaviour, by
 * design), so overlaps that start while a fault is held are reported, not failed; an overlap seen
 * after the cluster recovered (or in a probe round with no fault active) is a violation.
 */
public final class DuplicateSlots {
  private DuplicateSlots() {}

  /** {@code faultFree}: whether the probe round at that time had no fault active (and the cluster had recovered). */
  public static Check check(List<Probe.Sample> samples, java.util.function.LongPredicate faultFree) {
    Map<Integer, Map<String, List<Probe.Sample>>> rounds = new TreeMap<>();
    for (Probe.Sample s : samples) {
      if (s.slot() <= 0) continue; // global services and unknown tasks have no slot
      rounds.computeIfAbsent(s.round(), r -> new HashMap<>()).computeIfAbsent(s.serviceId() + "/" + s.slot(),
          k -> new ArrayList<>()).add(s);
    }
    List<String> violations = new ArrayList<>();
    int duringFaults = 0;
    for (var r : rounds.entrySet()) {
      for (var slot : r.getValue().entrySet()) {
        if (slot.getValue().size() < 2) continue;
        long t = slot.getValue().get(0).nanos();
        String what = "slot " + slot.getKey() + " ran " + slot.getValue().size() + " containers at " + t / 1_000_000 + " ms: "
            + slot.getValue().stream().map(s -> s.host() + ":" + s.taskId()).toList();
        if (faultFree.test(t)) {
          violations.add(what);
        } else {
          duringFaults++;
        }
      }
    }
    String detail = rounds.size() + " probe round(s); " + duringFaults + " slot overlap(s) while a fault was held (allowed)";
    return violations.isEmpty() ? Check.pass("no-slot-runs-twice", true, detail)
        : Check.fail("no-slot-runs-twice", true, detail, violations);
  }
}
