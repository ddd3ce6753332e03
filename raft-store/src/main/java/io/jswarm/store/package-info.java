/**
 * The replicated cluster state.
 *
 * <p>{@link io.jswarm.store.RaftStore} runs one Apache Ratis server per manager. Every Raft
 * entry is one {@code StoreBatch} (api/store.proto) of creates, updates and deletes, applied
 * all-or-nothing by every replica to an indexed in-memory store. Contracts:
 * <ul>
 *   <li>Versions: an applied object's {@code meta.version} is the log index of the entry that
 *       wrote it; updates and deletes name the version they read, checked at apply time
 *       (optimistic concurrency). Times come from the batch, never the replica's clock, so
 *       replicas stay byte-identical ({@link io.jswarm.store.RaftStore#digest()}).</li>
 *   <li>Fencing: a batch names the term it was computed in and the objects it read; apply
 *       refuses it if the term is not the entry's or a read object changed, and refuses a
 *       second live task in a slot. Leader components write only on the leader.</li>
 *   <li>Entries are bounded ({@link io.jswarm.store.BatchLimits}); a pass that changes more
 *       commits several through a {@link io.jswarm.store.BatchWriter}.</li>
 *   <li>Restore rebuilds every index and claim from the snapshot's objects; the digest covers
 *       them.</li>
 *   <li>Reads are local and see what this member has applied; {@code update} returns only once
 *       its batch is applied here too. {@code prepareRead} makes the next read linearizable, or
 *       refuses it (consistent) or says why it may be stale, whoever serves it.</li>
 *   <li>Group commit: concurrent writes share one entry, each applied and answered on its own.</li>
 *   <li>Watches get each applied batch once, in order, after the initial read.</li>
 *   <li>Without a quorum, {@code update} fails within the write timeout with
 *       {@link io.jswarm.store.UnavailableException}; it never hangs.</li>
 * </ul>
 * See {@code raft-store/docs/store.md} for the design notes.
 */
package io.jswarm.store;
