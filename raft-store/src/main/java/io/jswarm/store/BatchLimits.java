package io.jswarm.store;

/**
 * How big one Raft entry (one {@code StoreBatch}) may be, as swarmkit's {@code store.Batch}:
 * a proposal past either bound is refused before it reaches Raft ({@link EntryTooLargeException}),
 * and a leader pass that changes more commits several entries ({@link BatchWriter}).
 *
 * <p>Why bound at all: Ratis's appender refuses an entry larger than its buffer (4 MB by default)
 * and the leader steps down, so one huge pass took the cluster down (issue 11). Ratis's own limits
 * are set well above these ({@link RatisProperties#entryLimits}); see {@code docs/limits.md}.
 *
 * @param maxChanges object changes (creates, updates, deletes) per entry
 * @param maxBytes serialized size of the batch, reads included
 */
public record BatchLimits(int maxChanges, int maxBytes) {
  public static final int DEFAULT_MAX_CHANGES = 200;
  public static final int DEFAULT_MAX_BYTES = 1 << 20;
  public static final BatchLimits DEFAULT = new BatchLimits(DEFAULT_MAX_CHANGES, DEFAULT_MAX_BYTES);

  public BatchLimits {
    if (maxChanges <= 0) throw new IllegalArgumentException("maxChanges must be > 0: " + maxChanges);
    if (maxBytes < 1024) throw new IllegalArgumentException("maxBytes must be at least 1 KiB: " + maxBytes);
  }

  /** Why a batch of this many changes and bytes may not be one entry, or null. */
  String excess(int changes, int bytes) {
    if (changes <= maxChanges && bytes <= maxBytes) return null;
    return "a write of " + changes + " changes (" + bytes + " bytes) exceeds the limit of one Raft entry ("
        + maxChanges + " changes, " + maxBytes + " bytes)";
  }
}
