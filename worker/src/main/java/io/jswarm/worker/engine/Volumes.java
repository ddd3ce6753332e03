package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Named volumes of this node: directories under dataRoot/volumes/NAME/_data, made on first use
 * and kept after the containers that used them are removed (shared by every container that
 * names them).
 */
public final class Volumes {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private final Path root;

  public Volumes(Path root) {
    this.root = root;
  }

  /** The host directory of volume {@code name}, created when missing. */
  public Path resolve(String name) throws IOException {
    if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("invalid volume name \"" + name + "\"");
    return Files.createDirectories(root.resolve(name).resolve("_data"));
  }

  /**
   * The config with volume sources replaced by their host directories; a bind source must exist.
   *
   * @throws IllegalArgumentException a bind source is missing (Docker's "bind source path does not exist")
   */
  ContainerConfig resolve(ContainerConfig c) throws IOException {
    if (c.mounts().isEmpty()) return c;
    var out = new java.util.ArrayList<MountSpec>();
    for (MountSpec m : c.mounts()) {
      switch (m.kind()) {
        case VOLUME -> out.add(new MountSpec(MountSpec.Kind.BIND, resolve(m.source()).toString(), m.target(), m.readonly(), 0));
        case BIND -> {
          if (!Files.exists(Path.of(m.source()))) {
            throw new IllegalArgumentException("invalid mount config: bind source path does not exist: " + m.source());
          }
          out.add(m);
        }
        default -> out.add(m);
      }
    }
    return new ContainerConfig(c.id(), c.taskId(), c.image(), c.args(), c.env(), c.workingDir(), c.user(),
        c.hostname(), c.netnsPath(), c.labels(), c.limits(), out);
  }
}
