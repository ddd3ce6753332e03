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
 * @param dial opens a channel to a manager's cluster port (mutual TLS with the node's certificate,
 *     the server checked to be a manager of this swarm)
 */
public record AgentConfig(
    String nodeId,
    String nodeName,
    String engineAddr,
    Supplier<List<String>> managerAddrs,
    NodeDescription description,
    java.util.function.Consumer<io.jswarm.api.NodeUpdate> onNodeUpdate,
    TaskNetworking networking,
    java.util.function.Function<String, io.grpc.ManagedChannel> dial) {

  /** For a node that does not follow role changes and has no task networking (tests). */
  public AgentConfig(String nodeId, String nodeName, String engineAddr, Supplier<List<String>> managerAddrs,
      NodeDescription description, java.util.function.Function<String, io.grpc.ManagedChannel> dial) {
    this(nodeId, nodeName, engineAddr, managerAddrs, description, u -> { }, TaskNetworking.NONE, dial);
  }
}
