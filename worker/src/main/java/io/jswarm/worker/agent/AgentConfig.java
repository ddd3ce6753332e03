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
 */
public record AgentConfig(
    String nodeId,
    String nodeName,
    String engineAddr,
    Supplier<List<String>> managerAddrs,
    NodeDescription description) {}
