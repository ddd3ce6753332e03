package io.jswarm.worker.engine;

import java.util.Map;

/**
 * A container known on disk: the small JSON record kept in its directory ({@code record.json}),
 * which is how a restarted daemon finds the containers conmon kept alive.
 */
public record Container(String id, String taskId, String imageId, long createdMs, Map<String, String> labels) {
  public Container {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
