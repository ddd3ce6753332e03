package io.jswarm.worker.agent;

import io.jswarm.api.NodeDescription;
import java.util.List;
import java.util.function.Supplier;

/**
 * What an agent needs to know about its node and its managers.
 *
 * @param engineAddr host:port where this node's Engine gRPC service answers (sent in Hello)
 * @param managerAddrs host:port of the managers' Dispatcher services; asked again on every
 *     reconnect, so it may follow membership changes
 * @param onNodeUpdate called (on the session's thread: hand work off) with the node's own record
 *     and the manager set whenever the dispatcher sends them
 */
public record AgentConfig(
    String nodeId,
    String nodeName,
    String engineAddr,
    Supplier<List<String>> managerAddrs,
    NodeDescription description,
    java.util.function.Consumer<io.jswarm.api.NodeUpdate> onNodeUpdate,
    TaskNetworking networking) {

  public AgentConfig(String nodeId, String nodeName, String engineAddr, Supplier<List<String>> managerAddrs,
      NodeDescription description, java.util.function.Consumer<io.jswarm.api.NodeUpdate> onNodeUpdate) {
    this(nodeId, nodeName, engineAddr, managerAddrs, description, onNodeUpdate, TaskNetworking.NONE);
  }

  /** For a node that does not follow role changes (tests, plain workers). */
  public AgentConfig(String nodeId, String nodeName, String engineAddr, Supplier<List<String>> managerAddrs,
      NodeDescription description) {
    this(nodeId, nodeName, engineAddr, managerAddrs, description, u -> { });
  }
}
