package io.jswarm.store;

import java.time.Duration;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Makes a local read linearizable: Raft's ReadIndex, asked of the leader through this member's
 * client, then a wait until this member has applied up to the leader's commit index.
 */
final class LinearizableReads {
  private final StoreClient client;
  private final RaftPeerId self;

  LinearizableReads(StoreClient client, RaftPeerId self) {
    this.client = client;
    this.self = self;
  }

  /** Returns once a read here sees every write acknowledged before the call began. */
  void sync(Duration timeout) throws UnavailableException {
    client.call("read", System.nanoTime() + timeout.toNanos(),
        () -> client.client().io().sendReadOnly(Message.EMPTY, self));
  }
}
