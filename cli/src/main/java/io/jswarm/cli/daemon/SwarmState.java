package io.jswarm.cli.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * What a node remembers about its swarm across restarts (data-root/swarm.json): which cluster,
 * its node id, and whether it is a manager. The cluster state itself lives in raft-store.
 */
public record SwarmState(String clusterId, String nodeId, boolean manager, List<String> managerAddrs) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Optional<SwarmState> load(Path dataRoot) throws IOException {
    Path f = dataRoot.resolve("swarm.json");
    if (!Files.exists(f)) return Optional.empty();
    return Optional.of(JSON.readValue(f.toFile(), SwarmState.class));
  }

  void save(Path dataRoot) throws IOException {
    Path tmp = dataRoot.resolve("swarm.json.tmp");
    JSON.writeValue(tmp.toFile(), this);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dataRoot.resolve("swarm.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
