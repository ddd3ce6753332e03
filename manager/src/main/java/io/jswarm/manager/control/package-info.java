/**
 * The Control API: one gRPC service ({@code ControlService}) whose handlers live per resource —
 * swarm, nodes, services, tasks, networks — as swarmkit's controlapi splits them. Errors become
 * gRPC status codes once, in {@code Errors}; validation happens before anything is written.
 */
package io.jswarm.manager.control;
