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
    if (hasEntries(legacy)) {
      LOG.info("runc state stays in {}: containers made by an earlier daemon live there", legacy);
      return legacy;
    }
    String hash = Digests.hexOf(Digests.of(dataRoot.toAbsolutePath().normalize().toString()
        .getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    Path dir = run.resolve("runc-" + hash);
    try {
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      LOG.warn("cannot use {} for runc state ({}); using {}", dir, e.toString(), legacy);
      try {
        Files.createDirectories(legacy);
      } catch (IOException e2) {
        throw new java.io.UncheckedIOException("cannot create " + legacy, e2);
      }
      return legacy;
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
