package io.jswarm.worker.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * A stored image as the engine runs it.
 *
 * @param id {@code sha256:<hex of the config blob>}
 * @param layerDirs unpacked layers, bottom layer first
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
    long createdMs) {}
