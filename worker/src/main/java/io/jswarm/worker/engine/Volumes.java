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

  /** Names of the volumes on this node. */
  public java.util.List<String> list() throws IOException {
    if (!Files.isDirectory(root)) return java.util.List.of();
    try (var s = Files.list(root)) {
      return s.filter(p -> Files.isDirectory(p.resolve("_data"))).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The directory of an existing volume. */
  public java.util.Optional<Path> find(String name) {
    if (!NAME.matcher(name).matches()) return java.util.Optional.empty();
    Path d = root.resolve(name).resolve("_data");
    return Files.isDirectory(d) ? java.util.Optional.of(d) : java.util.Optional.empty();
  }

  /** Deletes a volume and its data. The caller checks that no container uses it. */
  public void remove(String name) throws IOException {
    Path d = root.resolve(name);
    if (!Files.isDirectory(d)) return;
    try (var walk = Files.walk(d)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
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
        c.hostname(), c.netnsPath(), c.labels(), c.limits(), out, c.security());
  }
}
