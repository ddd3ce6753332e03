package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe removal of a container's directory: one atomic rename to {@code .removing-ID} takes
 * {@code record.json} away with everything else, then the tree is deleted. A crash in between
 * leaves a dot-dir that {@link #finishRemovals} deletes at the next start, never an {@code ID}
 * dir that has lost its record and that no one tracks any more.
 */
final class ContainerDirs {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerDirs.class);
  static final String REMOVING = ".removing-";

  private ContainerDirs() {}

  static void removeTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Path doomed = dir.resolveSibling(REMOVING + dir.getFileName());
    FileTrees.deleteRecursively(doomed); // an earlier attempt of the same id
    Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    FileTrees.deleteRecursively(doomed);
  }

  /** Deletes what removals interrupted by a crash left behind. */
  static void finishRemovals(Path containers) {
    try (Stream<Path> s = Files.list(containers)) {
      s.filter(p -> p.getFileName().toString().startsWith(REMOVING)).forEach(p -> {
        if (Mounts.isMountPoint(p.resolve("rootfs"))) {
          LOG.warn("{} still has its rootfs mounted; left in place", p);
          return;
        }
        LOG.info("finishing the interrupted removal of {}", p.getFileName());
        FileTrees.deleteRecursively(p);
      });
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot finish interrupted container removals in {}: {}", containers, e.toString());
    }
  }
}
