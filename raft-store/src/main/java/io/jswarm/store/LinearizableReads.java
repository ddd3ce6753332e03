package io.jswarm.store;

import java.time.Duration;
import java.util.Optional;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Makes a local read linearizable: Raft's ReadIndex, asked of the leader through this member's
 * client, then a wait until this member has applied up to the leader's commit index.
 *
 * <p>When that fails (no leader, a ReadIndex that timed out, a leader cut off in a minority that
 * cannot hear from a majority), the read is either refused, when the caller asked for a
 * consistent read, or served from this member's copy and marked stale, whoever serves it: a
 * leader's own copy is no better than a follower's once it cannot confirm it still leads.
 */
final class LinearizableReads {
  private final StoreClient client;
  private final RaftPeerId self;
  private final GroupView group;
  private final long leaseMs;

  LinearizableReads(StoreClient client, RaftPeerId self, GroupView group, long electionTimeoutMinMs) {
    this.client = client;
    this.self = self;
    this.group = group;
    this.leaseMs = electionTimeoutMinMs;
  }

  /** Returns once a read here sees every write acknowledged before the call began. */
  void sync(Duration timeout) throws UnavailableException {
    client.call("read", System.nanoTime() + timeout.toNanos(),
        () -> client.client().io().sendReadOnly(Message.EMPTY, self));
    // Ratis answers a leader's ReadIndex at once, without a heartbeat round, when its commit
    // index was already confirmed by an earlier ReadIndex; measured here: a leader whose two
    // followers had just stopped confirmed a read in 24 ms. So a leader also checks that a
    // majority answered it within the minimum election timeout (no one else can lead yet).
    if (group.isLeader() && !group.leadsWithMajorityWithin(leaseMs)) {
      throw new UnavailableException("this manager (" + self + ") is the leader but has not heard from a majority"
          + " of the managers within " + leaseMs + " ms: it may be cut off from them, and another may lead by now");
    }
  }

  /**
   * Readies a read of the local copy: empty when it is linearizable, else why it may be stale.
   *
   * @throws UnavailableException with {@code consistent}, when leadership could not be confirmed
   *     within {@code timeout}; the message says what this member sees
   */
  Optional<String> prepare(Duration timeout, boolean consistent) throws UnavailableException {
    try {
      sync(timeout);
      return Optional.empty();
    } catch (UnavailableException e) {
      if (consistent) {
        throw new UnavailableException("consistent read refused: " + e.getMessage(), e);
      }
      return Optional.of("served from this manager's copy, which may be out of date: " + e.getMessage());
    }
  }
}
