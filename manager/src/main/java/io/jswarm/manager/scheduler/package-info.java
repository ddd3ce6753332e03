/**
 * Placement: the pure {@code Scheduler.schedule} (manager/docs/scheduler.md) and the leader
 * component that feeds it the pending tasks and each node's load, kept from watch events
 * ({@code SchedulerIndex}), and writes the placements.
 */
package io.jswarm.manager.scheduler;
