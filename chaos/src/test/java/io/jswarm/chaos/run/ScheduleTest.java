package io.jswarm.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleTest {
  @TempDir Path dir;

  @Test
  void aScheduleFileNamesNemesesWithHoldAndGap() throws Exception {
    Path f = dir.resolve("s.txt");
    Files.writeString(f, "# a comment\nkill-leader 15 20\n\nisolate-worker 10  # trailing comment\n");
    var steps = Scenarios.fromFile(f).steps().get();
    assertEquals(2, steps.size());
    assertEquals("kill-leader", steps.get(0).nemesis().name());
    assertEquals(20, steps.get(0).gapSeconds());
    assertEquals(15, steps.get(1).gapSeconds()); // default gap
  }

  @Test
  void badSchedulesAreRefusedWithTheLine() throws Exception {
    Path f = dir.resolve("bad.txt");
    Files.writeString(f, "kill-leader 15\nfry-the-disk 10\n");
    var e = assertThrows(IllegalArgumentException.class, () -> Scenarios.fromFile(f));
    assertTrue(e.getMessage().contains("no nemesis fry-the-disk"), e.getMessage());
    Files.writeString(f, "kill-leader soon\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Scenarios.fromFile(f)).getMessage().contains(":1:"));
    Files.writeString(f, "# nothing\n");
    assertThrows(IllegalArgumentException.class, () -> Scenarios.fromFile(f));
  }

  @Test
  void everyNamedNemesisAndScenarioExists() {
    for (String n : Scenarios.NEMESES) assertTrue(n.startsWith(Scenarios.nemesis(n).name().split("-")[0]), n);
    for (Scenario s : Scenarios.all().values()) {
      if (s.unsupported() == null) assertTrue(!s.steps().get().isEmpty(), s.name());
    }
    assertThrows(IllegalArgumentException.class, () -> Scenarios.named("nope"));
  }

  @Test
  void durationsParse() {
    assertEquals(Duration.ofSeconds(90), ChaosCommand.parseDuration("90s"));
    assertEquals(Duration.ofMinutes(5), ChaosCommand.parseDuration("5m"));
    assertEquals(Duration.ofSeconds(30), ChaosCommand.parseDuration("30"));
    assertThrows(IllegalArgumentException.class, () -> ChaosCommand.parseDuration("5 minutes"));
    assertThrows(IllegalArgumentException.class, () -> ChaosCommand.parseDuration("2s"));
  }
}
