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
 *   <li>Reads are local and see what this member has applied; {@code update} returns only once
 *       its batch is applied here too.</li>
 *   <li>Watches get each applied batch once, in order, after the initial read.</li>
 *   <li>Without a quorum, {@code update} fails within the write timeout with
 *       {@link io.jswarm.store.UnavailableException}; it never hangs.</li>
 * </ul>
 * See {@code raft-store/docs/store.md} for the design notes.
 */
package io.jswarm.store;
