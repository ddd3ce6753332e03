package io.jswarm.manager.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.TaskStatusUpdate;
import io.jswarm.store.ConflictException;
import io.jswarm.store.LostLeadershipException;
import io.jswarm.store.UnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Status reports: isolated from a contended task, retried until acknowledged, never dropped. */
@Timeout(10)
class StatusWriterTest {
  private final Set<String> acknowledged = new LinkedHashSet<>();
  private final List<Long> pauses = new ArrayList<>();

  private static List<StatusWriter.Report> reports(int n) {
    List<StatusWriter.Report> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new StatusWriter.Report("n1", TaskStatusUpdate.newBuilder().setTaskId("t" + i).build()));
    }
    return out;
  }

  @Test
  void oneContendedTaskDoesNotHoldBackTheOthersAndIsRetriedPastTenAttempts() throws Exception {
    int[] contended = {25}; // t7 conflicts on its first 25 attempts: more than the old 10
    StatusWriter w = new StatusWriter(part -> {
      boolean hasT7 = part.stream().anyMatch(r -> r.update().getTaskId().equals("t7"));
      if (hasT7 && contended[0]-- > 0) throw new ConflictException("update task t7: version 3 is stale");
      part.forEach(r -> acknowledged.add(r.update().getTaskId()));
    }, pauses::add);
    assertTrue(w.write(reports(16), () -> true));
    assertEquals(16, acknowledged.size(), "every report acknowledged: " + acknowledged);
    assertEquals("t7", new ArrayList<>(acknowledged).get(15), "the contended one last, the others at once");
    assertTrue(pauses.stream().allMatch(p -> p <= StatusWriter.MAX_BACKOFF_MS), "backoff is capped: " + pauses);
  }

  @Test
  void anUnavailableStoreIsWaitedOutNotDropped() throws Exception {
    int[] down = {30};
    StatusWriter w = new StatusWriter(part -> {
      if (down[0]-- > 0) throw new UnavailableException("no quorum");
      part.forEach(r -> acknowledged.add(r.update().getTaskId()));
    }, pauses::add);
    assertTrue(w.write(reports(3), () -> true));
    assertEquals(Set.of("t0", "t1", "t2"), acknowledged);
    assertEquals(30, pauses.size());
  }

  @Test
  void lostLeadershipOrStopEndsTheWrite() throws Exception {
    StatusWriter lost = new StatusWriter(part -> {
      throw new LostLeadershipException("not the leader");
    }, pauses::add);
    assertFalse(lost.write(reports(3), () -> true));
    StatusWriter stopped = new StatusWriter(part -> {
      throw new UnavailableException("no quorum");
    }, pauses::add);
    int[] checks = {5};
    assertFalse(stopped.write(reports(3), () -> checks[0]-- > 0));
  }
}
