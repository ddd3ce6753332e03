package io.jswarm.worker.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * A private tmpfs on the host, for files that must never touch a disk (task secrets): mounted
 * nosuid, nodev, noexec, mode 0700, with a size bound; unmounted like the engine's own mounts.
 */
public final class Tmpfs {
  private Tmpfs() {}

  public static void mount(Path dir, long sizeBytes) {
    Command.check(List.of("mount", "-t", "tmpfs", "-o", "nosuid,nodev,noexec,mode=0700,size=" + sizeBytes,
        "tmpfs", dir.toString()), 30_000);
  }

  public static boolean isMounted(Path dir) {
    return Mounts.isMountPoint(dir);
  }

  public static void unmount(Path dir) {
    Mounts.unmount(dir);
  }
}
