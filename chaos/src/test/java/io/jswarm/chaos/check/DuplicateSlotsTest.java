package io.jswarm.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.chaos.workload.Probe;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateSlotsTest {
  @Test
  void twoContainersOfOneSlotInOneRoundFailOnlyOutsideFaults() {
    List<Probe.Sample> s = List.of(new Probe.Sample(1_000, 1, "h4", "t1", "svc", 1), new Probe.Sample(1_000, 1, "h5", "t2", "svc", 1),
        new Probe.Sample(2_000, 2, "h4", "t1", "svc", 1), new Probe.Sample(2_000, 2, "h5", "t3", "svc", 2));
    assertEquals(Check.Status.FAIL, DuplicateSlots.check(s, t -> true).status());
    assertEquals(Check.Status.PASS, DuplicateSlots.check(s, t -> t != 1_000).status());
  }

  @Test
  void differentSlotsOrServicesNeverClash() {
    List<Probe.Sample> s = List.of(new Probe.Sample(1, 1, "h4", "t1", "a", 1), new Probe.Sample(1, 1, "h5", "t2", "b", 1),
        new Probe.Sample(1, 1, "h5", "t3", "a", 2), new Probe.Sample(1, 1, "h6", "t4", "a", -1), new Probe.Sample(1, 1, "h6", "t5", "a", -1));
    assertEquals(Check.Status.PASS, DuplicateSlots.check(s, t -> true).status());
  }
}
