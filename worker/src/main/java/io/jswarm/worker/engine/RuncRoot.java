package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where runc keeps its state: under /run/jswarm (tmpfs, as containerd and Docker keep theirs under
 * /run), one directory per data root so that several daemons on one machine stay apart. After a
 * reboot it is empty, so containers that died with the machine cost no {@code runc state} wait.
 * {@code <data-root>/runc} is a symlink to it, for operators and scripts that look there.
 */
final class RuncRoot {
  private static final Logger LOG = LoggerFactory.getLogger(RuncRoot.class);
  static final Path RUN = Path.of("/run/jswarm");

  private RuncRoot() {}

  static Path choose(Path dataRoot) {
    return choose(dataRoot, RUN);
  }

  static Path choose(Path dataRoot, Path run) {
    Path legacy = dataRoot.resolve("runc");
    if (!Files.isSymbolicLink(legacy) && hasEntries(legacy)) {
      LOG.info("runc state stays in {}: containers made by an earlier daemon live there", legacy);
      return legacy;
    }
    String hash = Digests.hexOf(Digests.of(dataRoot.toAbsolutePath().normalize().toString()
        .getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    Path dir = run.resolve("runc-" + hash);
    try {
      Files.createDirectories(dir);
      // <data-root>/runc points there, so `runc --root <data-root>/runc list` still finds them
      if (Files.isSymbolicLink(legacy) || Files.isDirectory(legacy)) {
        Files.delete(legacy); // the link of an earlier start, or an empty dir
      }
      Files.createSymbolicLink(legacy, dir);
      return dir;
    } catch (IOException e) {
      LOG.warn("cannot use {} for runc state ({}); using {}", dir, e.toString(), legacy);
      try {
        if (Files.isSymbolicLink(legacy)) {
          Files.delete(legacy);
        }
        Files.createDirectories(legacy);
      } catch (IOException e2) {
        throw new java.io.UncheckedIOException("cannot create " + legacy, e2);
      }
      return legacy;
    }
  }

  /** At stop: an empty state dir under /run/jswarm (no container left) goes, with its link. */
  static void releaseIfEmpty(Path root, Path dataRoot) {
    if (!root.startsWith(RUN) || hasEntries(root)) {
      return;
    }
    try {
      Path legacy = dataRoot.resolve("runc");
      if (Files.isSymbolicLink(legacy) && Files.readSymbolicLink(legacy).equals(root)) {
        Files.delete(legacy);
      }
      Files.deleteIfExists(root);
    } catch (IOException e) {
      LOG.debug("cannot remove {}: {}", root, e.toString());
    }
  }

  private static boolean hasEntries(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    } catch (IOException e) {
      return false;
    }
  }
}
