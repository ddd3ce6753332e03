package io.jswarm.manager;

import io.grpc.StatusException;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.InitSwarmRequest;
import io.jswarm.api.InitSwarmResponse;
import java.util.Optional;

/**
 * What the Control API needs from the daemon around it: the node's life (becoming a manager)
 * and its local facts. Implemented by the daemon, which wires manager and worker.
 */
public interface SwarmNode {
  InitSwarmResponse init(InitSwarmRequest request) throws StatusException;

  io.jswarm.api.JoinSwarmResponse join(io.jswarm.api.JoinSwarmRequest request) throws StatusException;

  void leave(io.jswarm.api.LeaveSwarmRequest request) throws StatusException;

  /** Facts only this node knows (ids, data root, containers); cluster facts are added by Control. */
  InfoResponse.Builder localInfo();

  /** Collects the garbage of the registry this manager serves (for every manager). */
  default io.jswarm.api.RegistryGcResponse registryGc(io.jswarm.api.RegistryGcRequest request) throws StatusException {
    throw io.grpc.Status.UNIMPLEMENTED.withDescription("this node cannot collect registry garbage").asException();
  }

  /** The swarm CA this manager issues from, when it is a manager. */
  default Optional<io.jswarm.manager.ca.CertificateAuthority> certificateAuthority() {
    return Optional.empty();
  }

  /**
   * A channel to another node's cluster port (mutual TLS with this node's certificate), for the
   * log fan-in. Cached by the caller.
   */
  io.grpc.ManagedChannel dialNode(String addr);

  /** The manager, when this node is one. */
  Optional<Manager> manager();
}
