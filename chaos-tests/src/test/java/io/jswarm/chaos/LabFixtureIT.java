package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lab's own machinery, without the cluster join: daemons in their namespaces, kill, stop,
 * start, two labs side by side, and nothing left after down.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LabFixtureIT {
  @Test
  void hostsComeUpRestartAndGoAwayWithoutTrace() {
    Lab a = new Lab("LabFixtureIT-a");
    Lab b = new Lab("LabFixtureIT-b");
    try (a; b) {
      a.up(1, 2, false);
      b.up(1, 0, false);
      assertNotEquals(a.dir(), b.dir());
      assertNotEquals(a.ip("h1"), b.ip("h1"));

      for (String h : a.hosts()) {
        String info = a.jswarmOk(h, "info").out();
        assertTrue(info.contains("Node Name: " + a.nodeName(h)), info);
        assertTrue(info.contains("Images: 1"), "busybox imported on " + h + ":\n" + info);
      }
      assertTrue(a.jswarmOk("h1", "info").out().contains("Swarm: active"));
      assertTrue(b.jswarmOk("h1", "info").out().contains("Node Name: " + b.nodeName("h1")));

      // h2 reaches h1's cluster port across the bridge, from inside its namespace
      var tcp = a.sh("h2", "timeout 5 bash -c 'echo > /dev/tcp/" + a.ip("h1") + "/2377' && echo reached");
      assertTrue(tcp.out().contains("reached"), tcp.all());
      // ...but not the other lab's hosts: the labs share no bridge
      var other = a.sh("h2", "timeout 3 bash -c 'echo > /dev/tcp/" + b.ip("h1") + "/2377' && echo reached");
      assertFalse(other.out().contains("reached"), other.all());

      a.kill("h2");
      assertNotEquals(0, a.jswarm("h2", "info").exit());
      a.start("h2");
      assertTrue(a.jswarmOk("h2", "info").out().contains("Node Name: " + a.nodeName("h2")));
      a.stop("h3");
      assertNotEquals(0, a.jswarm("h3", "info").exit());
      a.start("h3");
      a.jswarmOk("h3", "info");
    }
    for (Lab l : List.of(a, b)) {
      assertFalse(Files.exists(l.dir()), l.dir() + " removed");
      String prefix = l.env().get("JSWARM_LAB_NAME") + "-h";
      String netns = Lab.exec(List.of("ip", "netns", "list"), java.util.Map.of(), Duration.ofSeconds(10)).out();
      assertFalse(netns.lines().anyMatch(n -> n.startsWith(prefix)), netns);
      var link = Lab.exec(List.of("ip", "link", "show", l.env().get("JSWARM_LAB_BRIDGE")), java.util.Map.of(), Duration.ofSeconds(10));
      assertNotEquals(0, link.exit(), "bridge removed: " + link.all());
      String mounts = Lab.exec(List.of("cat", "/proc/mounts"), java.util.Map.of(), Duration.ofSeconds(10)).out();
      assertFalse(mounts.contains(l.dir().toString()), mounts);
      assertEquals(0, ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().orElse("").contains("--data-root " + l.dir() + "/")).count(), "daemons gone");
    }
  }
}
