package io.jswarm.worker.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * A stored image as the engine runs it.
 *
 * @param id {@code sha256:<hex of the config blob>}
 * @param layerDirs unpacked layers, bottom layer first
 * @param healthcheck the image's HEALTHCHECK (Docker image config), or null when it has none
 */
public record Image(
    String id,
    List<String> tags,
    List<String> env,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir,
    String user,
    List<Path> layerDirs,
    long size,
    long createdMs,
    io.jswarm.api.HealthConfig healthcheck) {

  /** An image without a HEALTHCHECK. */
  public Image(String id, List<String> tags, List<String> env, List<String> entrypoint, List<String> cmd,
      String workingDir, String user, List<Path> layerDirs, long size, long createdMs) {
    this(id, tags, env, entrypoint, cmd, workingDir, user, layerDirs, size, createdMs, null);
  }
}
