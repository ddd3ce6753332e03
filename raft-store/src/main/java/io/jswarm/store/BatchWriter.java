package io.jswarm.store;

import java.util.function.Consumer;

/**
 * Commits a pass's changes in several bounded Raft entries, as swarmkit's {@code store.Batch}:
 * each {@link #update} is a small transaction, gathered with the ones before it into the entry
 * being built; when the next one would take the entry past the {@link BatchLimits}, the entry is
 * proposed first (and applied here) and the transaction is run again on the new state. Each
 * entry is checked on its own at apply (versions, reads, claims, slots, and the term of a leader
 * writer); one small transaction never spans two entries.
 *
 * <p>Not thread-safe: one pass, one writer. Call {@link #commit} at the end.
 */
public final class BatchWriter {
  private final RaftStore store;
  private final long term;
  private final boolean leader;
  private TxImpl entry;
  private long lastIndex;

  BatchWriter(RaftStore store, long term, boolean leader) {
    this.store = store;
    this.term = term;
    this.leader = leader;
  }

  /**
   * Runs {@code fn} as one small transaction (against the state applied here plus the changes
   * gathered so far); may first propose the gathered changes. {@code fn} may run twice and
   * must not call the store's update methods.
   *
   * @throws EntryTooLargeException {@code fn} alone changes more than one entry may hold
   */
  public void update(Consumer<Tx> fn) throws StoreException {
    if (entry == null) {
      entry = store.newTx(false);
    }
    TxImpl child = store.runTx(entry, fn);
    if (!child.mistakes().isEmpty()) {
      throw new ConflictException("transaction rejected before proposing: " + String.join("; ", child.mistakes()));
    }
    if (child.isEmpty()) {
      return;
    }
    BatchLimits limits = store.limits();
    if (!entry.isEmpty() && limits.excess(entry.changes() + child.changes(), size(entry) + size(child)) != null) {
      flush();
      entry = store.newTx(false);
      child = store.runTx(entry, fn); // on the state the flushed entry left
      if (child.isEmpty()) {
        return;
      }
    }
    String excess = limits.excess(child.changes(), size(child));
    if (excess != null) {
      throw new EntryTooLargeException(excess + "; one transaction of a batch must fit in one entry");
    }
    entry.absorb(child);
  }

  /** Proposes what is gathered. @return the index of the last entry applied (0 if none). */
  public long commit() throws StoreException {
    flush();
    return lastIndex;
  }

  private void flush() throws StoreException {
    if (entry == null) return;
    TxImpl full = entry;
    entry = null;
    if (!full.mistakes().isEmpty()) {
      throw new ConflictException("transaction rejected before proposing: " + String.join("; ", full.mistakes()));
    }
    if (!full.isEmpty()) {
      lastIndex = store.propose(full, term, leader);
    }
  }

  private static int size(TxImpl tx) {
    return tx.toBatch(0, 0).getSerializedSize();
  }
}
