package io.jswarm.cli.daemon;

import io.jswarm.manager.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's id: made once, kept in data-root/node-id for the node's life. */
final class NodeIdentity {
  private NodeIdentity() {}

  static String loadOrCreate(Path dataRoot) throws IOException {
    Path f = dataRoot.resolve("node-id");
    if (Files.exists(f)) return Files.readString(f, StandardCharsets.UTF_8).trim();
    String id = Ids.newId();
    Path tmp = dataRoot.resolve("node-id.tmp");
    Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return id;
  }
}
