package io.jswarm.worker.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Overlay mounts through /bin/mount and /bin/umount; mount state read from /proc/self/mountinfo. */
final class Mounts {
  private Mounts() {}

  /** Mounts an overlay at {@code target}; {@code lowerTopFirst} is the layer dirs, top layer first. */
  static void overlay(List<Path> lowerTopFirst, Path upper, Path work, Path target) {
    if (lowerTopFirst.isEmpty()) {
      throw new EngineException("image has no layers");
    }
    String lower = lowerTopFirst.stream().map(Path::toString).collect(Collectors.joining(":"));
    for (Path p : lowerTopFirst) {
      if (p.toString().contains(":") || p.toString().contains(",")) {
        throw new EngineException("layer path not usable in overlay options: " + p);
      }
    }
    String opts = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
    Command.check(List.of("mount", "-t", "overlay", "overlay", "-o", opts, target.toString()), 30_000);
  }

  static boolean isMountPoint(Path p) {
    String want = p.toAbsolutePath().normalize().toString();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && unescape(f[4]).equals(want)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unmounts if mounted (lazily as a last resort, so a busy mount never blocks removal). */
  static void unmount(Path p) {
    if (!isMountPoint(p)) {
      return;
    }
    Command.Result r = Command.run(List.of("umount", p.toString()), 30_000);
    if (!r.ok() && isMountPoint(p)) {
      Command.check(List.of("umount", "-l", p.toString()), 30_000);
    }
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
