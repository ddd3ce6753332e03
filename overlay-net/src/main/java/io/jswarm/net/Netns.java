package io.jswarm.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Named network namespaces: bind-mounted files under /run/netns, shared by every process on the
 * machine. Several worker daemons may share one machine, so callers prefix names with their tag.
 */
public final class Netns {
  static final Path RUN_DIR = Path.of("/run/netns");

  private Netns() {}

  public static Path path(String name) {
    if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("bad namespace name: " + name);
    }
    return RUN_DIR.resolve(name);
  }

  /** Creates the namespace unless it exists; returns its path either way. */
  public static Path create(String name) {
    Path p = path(name);
    if (exists(name)) {
      return p;
    }
    IpCommands.Result r = IpCommands.tryIp(null, "netns", "add", name);
    // Losing a race with another creator is success: the namespace is there.
    if (!r.ok() && !exists(name)) {
      throw new NetException(r.err().strip());
    }
    return p;
  }

  /** Deletes the namespace if it exists. Devices inside go with it (asynchronously, in the kernel). */
  public static void delete(String name) {
    if (!Files.exists(path(name))) {
      return;
    }
    IpCommands.Result r = IpCommands.tryIp(null, "netns", "del", name);
    if (!r.ok() && Files.exists(path(name))) {
      throw new NetException(r.err().strip());
    }
  }

  /**
   * True when the name is a mounted namespace. A bare file left behind by a crash between touch and
   * bind-mount is not one; "ip netns add" refuses such a name, so it is not reported as existing
   * either and create() will fail with ip's message.
   */
  public static boolean exists(String name) {
    Path p = path(name);
    if (!Files.exists(p)) {
      return false;
    }
    try {
      // An unmounted placeholder is an empty regular file on the tmpfs; a mounted nsfs file has its own inode.
      return !Files.getFileStore(p).type().equals(Files.getFileStore(RUN_DIR).type());
    } catch (IOException e) {
      return false;
    }
  }

  /** Names under /run/netns starting with the prefix, sorted. */
  public static List<String> list(String prefix) {
    if (!Files.isDirectory(RUN_DIR)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(RUN_DIR)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
    } catch (IOException e) {
      throw new NetException("cannot list " + RUN_DIR + ": " + e.getMessage(), e);
    }
  }
}
