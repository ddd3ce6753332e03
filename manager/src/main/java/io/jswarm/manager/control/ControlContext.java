package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.Node;
import io.jswarm.manager.Manager;
import io.jswarm.manager.SwarmNode;
import io.jswarm.store.RaftStore;
import java.time.Duration;
import java.util.List;

/** What every resource's handlers need: this node, its manager role and store. */
final class ControlContext {
  private static final Duration READ_SYNC_TIMEOUT = Duration.ofSeconds(1);
  final SwarmNode node;

  ControlContext(SwarmNode node) {
    this.node = node;
  }

  Manager manager() throws StatusException {
    return node.manager().orElseThrow(() -> Status.FAILED_PRECONDITION
        .withDescription("This node is not a swarm manager. Use \"jswarm swarm init\" to make it one.")
        .asException());
  }

  RaftStore store() throws StatusException {
    return manager().store();
  }

  /**
   * The store, ready for a linearizable read (ReadIndex through the leader). When that cannot be
   * confirmed, a --consistent call is refused and any other is served from this manager's copy,
   * marked stale (StaleReadInterceptor).
   */
  RaftStore readStore() throws StatusException {
    return StaleReadInterceptor.prepareRead(store(), READ_SYNC_TIMEOUT);
  }

  /** Leadership is Raft's fact, not a stored one: fill it in at read time. */
  List<Node> withLeader(List<Node> nodes) throws StatusException {
    RaftStore s = store();
    return ManagerReachability.apply(nodes, s.leaderId().orElse(""), s.reachability());
  }
}
