package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.Node;
import io.jswarm.manager.Manager;
import io.jswarm.manager.SwarmNode;
import io.jswarm.store.RaftStore;
import io.jswarm.store.UnavailableException;
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
   * The store, synced for a linearizable read (ReadIndex through the leader). Without a leader
   * the read is served from this manager's copy anyway, and StaleReadInterceptor says so.
   */
  RaftStore readStore() throws StatusException {
    RaftStore s = store();
    try {
      s.syncForRead(READ_SYNC_TIMEOUT);
    } catch (UnavailableException e) {
      // fall through to the local copy: better a marked, possibly stale answer than none
    }
    return s;
  }

  /** Leadership is Raft's fact, not a stored one: fill it in at read time. */
  List<Node> withLeader(List<Node> nodes) throws StatusException {
    RaftStore s = store();
    return ManagerReachability.apply(nodes, s.leaderId().orElse(""), s.reachability());
  }
}
