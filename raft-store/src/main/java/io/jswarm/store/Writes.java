package io.jswarm.store;

import io.jswarm.api.StoreBatch;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path: computes a transaction on the applied state, fences it (the term it was
 * computed in; a leader component's leadership), proposes it (grouped with concurrent writes
 * into one entry by {@link GroupCommit}) and waits until it is applied here.
 * A write that raced an election or a change to what it read is computed again, a few times,
 * within the write timeout: nothing of it was applied, so that is safe.
 */
final class Writes {
  private static final Logger LOG = LoggerFactory.getLogger(Writes.class);

  /** How many times {@link #update} computes a write again after it raced another. */
  private static final int MAX_RECOMPUTES = 5;

  private final RaftStoreConfig config;
  private final BatchLimits limits;
  private final ObjectStore store;
  private final StoreStateMachine stateMachine;
  private final GroupView group;
  private final StoreClient client;
  private final GroupCommit groupCommit;
  private final BooleanSupplier isLeader;
  private final BooleanSupplier closed;

  Writes(RaftStoreConfig config, BatchLimits limits, ObjectStore store, StoreStateMachine stateMachine,
      GroupView group, StoreClient client, GroupCommit groupCommit, BooleanSupplier isLeader, BooleanSupplier closed) {
    this.config = config;
    this.limits = limits;
    this.store = store;
    this.stateMachine = stateMachine;
    this.group = group;
    this.client = client;
    this.groupCommit = groupCommit;
    this.isLeader = isLeader;
    this.closed = closed;
  }

  long update(Consumer<Tx> fn) throws StoreException {
    long deadline = System.nanoTime() + config.writeTimeout().toNanos();
    int attempts = 0;
    while (true) {
      long term = currentTerm();
      TxImpl tx = runTx(null, fn);
      try {
        return proposeOrNothing(tx, term, false);
      } catch (LostLeadershipException | StaleReadException e) {
        // An election, or a write to something fn read, happened between reading and applying:
        // nothing was applied, so computing the write again on the new state is safe.
        if (++attempts >= MAX_RECOMPUTES || System.nanoTime() > deadline) throw e;
        LOG.debug("{}: write raced another, computing it again: {}", config.selfId(), e.getMessage());
      }
    }
  }

  long updateAsLeader(Consumer<Tx> fn) throws StoreException {
    long term = leaderTerm();
    return proposeOrNothing(runTx(null, fn), term, true);
  }

  /** A transaction over this store's applied state (or {@code over}, a batch being gathered). */
  TxImpl newTx(boolean recordReads) {
    return new TxImpl(store, recordReads);
  }

  /** Runs {@code fn} on a new transaction over {@code over} (null: the store) under the read lock. */
  TxImpl runTx(TxImpl over, Consumer<Tx> fn) {
    return store.read(view -> {
      TxImpl t = new TxImpl(over == null ? (ObjectView) view : over);
      fn.accept(t);
      return t;
    });
  }

  private long proposeOrNothing(TxImpl tx, long term, boolean leader) throws StoreException {
    if (!tx.mistakes().isEmpty()) {
      throw new ConflictException("transaction rejected before proposing: " + String.join("; ", tx.mistakes()));
    }
    if (tx.isEmpty()) {
      return stateMachine.appliedIndex();
    }
    return propose(tx, term, leader);
  }

  long currentTerm() throws UnavailableException {
    checkOpenOrThrow();
    return group.currentTerm();
  }

  /** The term this member leads, ready (every earlier entry applied); else LostLeadershipException. */
  long leaderTerm() throws StoreException {
    long before = currentTerm();
    boolean ready = isLeader.getAsBoolean();
    long after = currentTerm();
    if (!ready || before != after) {
      throw new LostLeadershipException("this manager (" + config.selfId() + ") is not the leader"
          + group.leaderPeerId().map(l -> "; the leader is " + l).orElse("; no leader is known")
          + ": leader components write only on the leader");
    }
    return after;
  }

  /**
   * Proposes one gathered transaction as one entry computed in {@code term} and waits until it
   * is applied here.
   */
  long propose(TxImpl tx, long term, boolean leader) throws StoreException {
    checkOpenOrThrow();
    StoreBatch batch = tx.toBatch(System.currentTimeMillis(), term);
    String excess = limits.excess(tx.changes(), batch.getSerializedSize());
    if (excess != null) {
      throw new EntryTooLargeException(excess + "; write it in several entries (RaftStore.batch)");
    }
    if (leader && (!isLeader.getAsBoolean() || currentTerm() != term)) {
      throw new LostLeadershipException("this manager (" + config.selfId() + ") lost the leadership of term "
          + term + " before proposing");
    }
    long deadline = System.nanoTime() + config.writeTimeout().toNanos();
    // grouped with the writes queued beside it into one entry, applied on its own (GroupCommit)
    ApplyResult result = client.await("write", groupCommit.submit(batch, tx.changes()), deadline);
    throwIfRefused(result);
    awaitAppliedHere(result.index(), deadline);
    return result.index();
  }

  /** The refusal of a batch at apply, as the exception the caller can act on. */
  static void throwIfRefused(ApplyResult result) throws ConflictException {
    if (result.conflict() == null) {
      return;
    }
    if (result.conflict().contains("nothing applied: " + Fencing.LOST_LEADERSHIP)) {
      throw new LostLeadershipException(result.conflict());
    }
    if (result.conflict().contains("nothing applied: " + Fencing.STALE_READ)) {
      throw new StaleReadException(result.conflict());
    }
    throw new ConflictException(result.conflict());
  }

  /** Read-after-write on the member that wrote: returns once this replica applied {@code index}. */
  private void awaitAppliedHere(long index, long deadline) throws UnavailableException {
    try {
      if (!stateMachine.awaitApplied(index, Math.max(0, deadline - System.nanoTime()))) {
        throw new UnavailableException("the write was committed at index " + index
            + " but this manager (" + config.selfId() + ") has applied only up to " + stateMachine.appliedIndex()
            + " within " + config.writeTimeout() + "; it is lagging behind the leader");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for index " + index
          + " (committed) to be applied here", e);
    }
  }

  private void checkOpenOrThrow() throws UnavailableException {
    if (closed.getAsBoolean()) {
      throw new UnavailableException("this manager's store (" + config.selfId() + ") is closed");
    }
  }
}
