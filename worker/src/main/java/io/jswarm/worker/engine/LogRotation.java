package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Rotates a container's CRI log while conmon writes it: shift ctr.log.N-2 → .N-1 … ctr.log →
 * ctr.log.1, then SIGUSR1 makes conmon reopen (create) ctr.log. The daemon looks every 200 ms
 * and rotates at half of max-size, so a fast writer has the other half as slack; conmon's own {@code --log-size-max} is the hard cap when the daemon is down or late
 * (conmon then starts the file over), so the files never hold more than max-file × max-size.
 */
final class LogRotation {
  private LogRotation() {}

  /** The files of a log, oldest first (ctr.log.N-1 … ctr.log.1, ctr.log), those that exist. */
  static List<Path> files(Path log, int maxFiles) {
    List<Path> out = new ArrayList<>();
    for (int i = maxFiles - 1; i >= 1; i--) {
      Path p = rotated(log, i);
      if (Files.exists(p)) out.add(p);
    }
    if (Files.exists(log)) out.add(log);
    return out;
  }

  static Path rotated(Path log, int i) {
    return log.resolveSibling(log.getFileName() + "." + i);
  }

  /** True when {@code log} is past the rotation point for {@code limits}. */
  static boolean due(Path log, LogLimits limits) {
    try {
      return Files.size(log) >= limits.maxBytes() / 2;
    } catch (IOException e) {
      return false;
    }
  }

  /** Shifts the files and asks conmon ({@code conmonPid}) to reopen; with max-file 1 conmon's cap alone applies. */
  static void rotate(Path log, LogLimits limits, int conmonPid) throws IOException {
    if (limits.maxFiles() < 2 || conmonPid <= 0) {
      return;
    }
    Files.deleteIfExists(rotated(log, limits.maxFiles() - 1));
    for (int i = limits.maxFiles() - 2; i >= 1; i--) {
      Path from = rotated(log, i);
      if (Files.exists(from)) {
        Files.move(from, rotated(log, i + 1), StandardCopyOption.ATOMIC_MOVE);
      }
    }
    Files.move(log, rotated(log, 1), StandardCopyOption.ATOMIC_MOVE);
    if (Procs.cmdline(conmonPid).contains("conmon")) { // never signal a recycled pid
      LibC.kill(conmonPid, LibC.SIGUSR1);
    }
  }
}
