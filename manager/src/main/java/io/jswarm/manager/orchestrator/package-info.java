/**
 * The orchestrator (replicated and global reconcilers, the rolling-update supervisor) and the
 * task reaper: leader components that keep services at their spec and the task table bounded.
 * Pure decisions ({@code ReplicatedReconciler}, {@code GlobalReconciler}, {@code UpdateSupervisor},
 * {@code TaskReaper.reap}) sit apart from the event-driven components that keep incremental
 * indexes and write through the store (see manager/docs/leader-loops.md).
 */
package io.jswarm.manager.orchestrator;
