package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the kernel's OOM killer ended a container, read from its memory cgroup before the
 * cgroup is removed: cgroups v1 memory.oom_control "oom_kill N" (kernel 4.13+), else exit 137
 * (SIGKILL) with memory.failcnt > 0; cgroups v2 memory.events "oom_kill N".
 */
final class OomCheck {
  private OomCheck() {}

  static boolean oomKilled(Path cgroupRoot, String cgroupPath, int exitCode) {
    String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
    Path v1 = cgroupRoot.resolve("memory").resolve(rel);
    if (Files.isDirectory(v1)) {
      long kills = counter(v1.resolve("memory.oom_control"), "oom_kill");
      if (kills > 0) return true;
      if (kills < 0 && exitCode == 137) return number(v1.resolve("memory.failcnt")) > 0;
      return false;
    }
    return counter(cgroupRoot.resolve(rel).resolve("memory.events"), "oom_kill") > 0;
  }

  /** The value of "KEY N" in a flat-keyed cgroup file; -1 when absent. */
  private static long counter(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        String[] kv = line.trim().split("\\s+");
        if (kv.length == 2 && kv[0].equals(key)) return Long.parseLong(kv[1]);
      }
    } catch (IOException | NumberFormatException e) {
      // no such file or format: unknown
    }
    return -1;
  }

  private static long number(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
