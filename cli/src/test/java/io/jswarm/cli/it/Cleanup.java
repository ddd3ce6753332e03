package io.jswarm.cli.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** Removes what a failed test may have left: containers (by our runc root), mounts, cgroups, files. */
final class Cleanup {
  private Cleanup() {}

  static void force(Path runcRoot, Path dataRoot, String nodeName) {
    if (runcRoot != null && Files.isDirectory(runcRoot)) {
      for (String id : Host.runcContainers(runcRoot)) {
        JswarmProcess.exec(List.of("runc", "--root", runcRoot.toString(), "delete", "--force", id), Duration.ofSeconds(30));
      }
    }
    if (dataRoot != null) {
      try {
        for (String m : Host.mountsUnder(dataRoot)) {
          JswarmProcess.exec(List.of("umount", "-l", m), Duration.ofSeconds(30));
        }
      } catch (Exception ignored) {
        // nothing mounted
      }
    }
    if (nodeName != null) {
      try (var ctrls = Files.list(Path.of("/sys/fs/cgroup"))) {
        for (Path c : ctrls.toList()) {
          Path parent = c.resolve("jswarm-" + nodeName);
          if (!Files.isDirectory(parent)) continue;
          try (var kids = Files.list(parent)) {
            kids.filter(Files::isDirectory).forEach(k -> k.toFile().delete());
          }
          parent.toFile().delete();
        }
      } catch (Exception ignored) {
        // no cgroups of ours
      }
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) return;
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // temp dir; the OS cleans it eventually
    }
  }
}
