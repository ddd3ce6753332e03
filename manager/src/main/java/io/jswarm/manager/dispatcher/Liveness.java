package io.jswarm.manager.dispatcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's failure detector, as a pure function of what it was told and the time it is
 * given (no clock, no store): a deadline per node, pushed back by every message from the node.
 *
 * <p>When this manager becomes leader it has heard from nobody, so every node starts UNKNOWN with
 * the longer unknown grace (swarmkit's markNodesUnknown): a failover, during which agents are
 * still finding the new leader, must not look like every node dying. A node heard from once is
 * judged on the normal grace from then on.
 */
final class Liveness {
  private final Map<String, Long> deadlines = new ConcurrentHashMap<>();
  private final Map<String, Boolean> unknown = new ConcurrentHashMap<>();

  /** Leadership began at {@code now}: every listed node is UNKNOWN until it is heard from. */
  void leadershipStarted(Collection<String> nodeIds, long now, HeartbeatSettings s) {
    deadlines.clear();
    unknown.clear();
    for (String id : nodeIds) {
      deadlines.put(id, now + s.unknownGraceMs());
      unknown.put(id, true);
    }
  }

  /** A node this leader has not judged yet (it joined, or came back after Down): normal grace. */
  void track(String nodeId, long now, HeartbeatSettings s) {
    deadlines.putIfAbsent(nodeId, now + s.graceMs());
  }

  /** A message (Hello, heartbeat, status) from the node at {@code now}. */
  void heard(String nodeId, long now, HeartbeatSettings s) {
    unknown.remove(nodeId);
    deadlines.put(nodeId, now + s.graceMs());
  }

  /** Whether the node has not been heard from since leadership started. */
  boolean isUnknown(String nodeId) {
    return unknown.containsKey(nodeId);
  }

  /** The node left the swarm: nothing more to judge. */
  void forget(String nodeId) {
    deadlines.remove(nodeId);
    unknown.remove(nodeId);
  }

  /**
   * This manager itself could not run for {@code ms} (starved of CPU, paused): the nodes'
   * heartbeats could not be read either, so their silence over that time proves nothing.
   */
  void extendAll(long ms) {
    deadlines.replaceAll((id, d) -> d + ms);
  }

  /**
   * The nodes whose deadline passed by {@code now}; they are forgotten, so each is reported once
   * (a Down node is tracked again when it next says Hello).
   */
  List<String> expired(long now) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : deadlines.entrySet()) {
      // removed only if unchanged: a node heard from meanwhile is not reported
      if (now > e.getValue() && deadlines.remove(e.getKey(), e.getValue())) {
        unknown.remove(e.getKey());
        out.add(e.getKey());
      }
    }
    return out;
  }
}
