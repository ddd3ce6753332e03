package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lab itself: one manager and two workers come up, join, and are Ready in {@code node ls}. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LabSmokeIT {
  static Lab lab;

  @BeforeAll
  static void up() {
    lab = new Lab(LabSmokeIT.class);
    lab.up(1, 2);
  }

  @AfterAll
  static void down() {
    if (lab != null) lab.close();
  }

  @Test
  void threeNodesReady() {
    Lab.await(Duration.ofSeconds(60), () -> ready(lab.jswarm("h1", "node", "ls").out()) == 3, "3 nodes Ready in node ls on h1");
    String ls = lab.jswarmOk("h1", "node", "ls").out();
    for (String h : lab.hosts()) {
      assertEquals(1, ls.lines().filter(l -> l.contains(" " + lab.nodeName(h) + " ") && l.contains("Ready")).count(),
          h + " (" + lab.nodeName(h) + ") listed once, Ready:\n" + ls);
    }
  }

  private static long ready(String nodeLs) {
    return nodeLs.lines().filter(l -> l.matches(".*\\bReady\\b.*")).count();
  }
}
