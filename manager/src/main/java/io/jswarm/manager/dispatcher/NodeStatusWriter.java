package io.jswarm.manager.dispatcher;

import io.jswarm.api.Node;
import io.jswarm.store.RaftStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes node status changes (READY on Hello, DOWN on silence, UNKNOWN at leadership start) on
 * its own thread, so that no gRPC session thread and no liveness check ever waits for a Raft
 * write (see {@link #drain}). Changes to one node are composed in order and written together; a failed write is
 * retried, with changes that arrived meanwhile applied after it.
 */
final class NodeStatusWriter {
  private static final Logger LOG = Logger.getLogger(NodeStatusWriter.class.getName());

  private final RaftStore store;
  private final Map<String, UnaryOperator<Node>> pending = new HashMap<>(); // guarded by this

  NodeStatusWriter(RaftStore store) {
    this.store = store;
  }

  /** Queues {@code change} for node {@code id}; it must return the node unchanged when it has nothing to do. */
  synchronized void submit(String id, UnaryOperator<Node> change) {
    pending.merge(id, change, NodeStatusWriter::then);
  }

  private static UnaryOperator<Node> then(UnaryOperator<Node> first, UnaryOperator<Node> next) {
    return n -> next.apply(first.apply(n));
  }

  /** Forgets unwritten changes: a new term judges every node afresh, an old term's verdicts do not carry over. */
  synchronized void clear() {
    pending.clear();
  }

  /** Number of nodes with changes not yet written (tests wait on it). */
  synchronized int backlog() {
    return pending.size();
  }

  /**
   * Writes queued changes until none is left or {@code running} turns false; runs on the
   * dispatcher's node-status executor whenever something is submitted. A failed write is put
   * back (changes that arrived meanwhile apply after it) and retried after a backoff.
   */
  void drain(java.util.function.BooleanSupplier running) throws InterruptedException {
    int failures = 0;
    while (running.getAsBoolean()) {
      Map<String, UnaryOperator<Node>> batch;
      synchronized (this) {
        if (pending.isEmpty()) return;
        batch = new HashMap<>(pending);
        pending.clear();
      }
      try {
        store.update(tx -> batch.forEach((id, change) -> tx.node(id).ifPresent(n -> {
          Node next = change.apply(n);
          if (!next.equals(n)) tx.update(next);
        })));
        failures = 0;
      } catch (Exception e) {
        LOG.log(Level.FINE, "node status write failed, retrying", e);
        synchronized (this) {
          batch.forEach((id, change) -> pending.merge(id, change, (later, earlier) -> then(earlier, later)));
        }
        Thread.sleep(Math.min(1_000, 50L << Math.min(failures++, 5))); // back off: a conflicting write just landed or there is no quorum
      }
    }
  }
}
