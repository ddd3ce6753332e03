package io.jswarm.worker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The init process {@code --init} runs as the container's PID 1, as Docker's docker-init: the
 * node's tini (Debian package {@code tini}, its static build) or catatonit. It is bind-mounted
 * into a container whose rootfs has no libc of the host's, so only a statically linked binary does.
 */
final class InitBinary {
  /** Where the binary appears in the container: Docker's path. */
  static final String TARGET = "/sbin/docker-init";
  static final List<Path> CANDIDATES = List.of(
      Path.of("/usr/bin/tini-static"), Path.of("/usr/bin/catatonit"), Path.of("/usr/libexec/podman/catatonit"),
      Path.of("/usr/bin/tini"));
  private static volatile Optional<Path> found;

  private InitBinary() {}

  /** The first static candidate on this node. */
  static Optional<Path> find() {
    Optional<Path> f = found;
    if (f == null) {
      f = CANDIDATES.stream().filter(InitBinary::isStaticExecutable).findFirst();
      found = f;
    }
    return f;
  }

  /** Arguments in front of the command: tini and catatonit both take "--" before it. */
  static List<String> args(Path binary) {
    return List.of(TARGET, "--");
  }

  static String missing() {
    return "--init needs a statically linked tini or catatonit on this node (apt-get install tini, which brings "
        + "/usr/bin/tini-static); found none of " + CANDIDATES;
  }

  /** An ELF without a program interpreter: its PT_INTERP path ("ld-linux…", "ld-musl…") sits in the first page. */
  static boolean isStaticExecutable(Path p) {
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) return false;
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(4096);
      if (head.length < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') return false;
      String s = new String(head, StandardCharsets.ISO_8859_1);
      return !s.contains("/ld-linux") && !s.contains("/ld-musl");
    } catch (IOException e) {
      return false;
    }
  }
}
