/**
 * {@code jswarm chaos}: Jepsen-style fault-injection runs against a live (lab) cluster.
 * {@code nemesis}: faults with inject and heal; {@code workload}: clients that record histories
 * through the real API, and the container probe; {@code history}: the op log; {@code check}:
 * linearizability and the other checkers; {@code run}: scenarios, the run loop, the report and
 * the command. Talks to daemons only through their APIs and to hosts only through nsenter, nft and
 * signals, so the module depends on {@code api} alone.
 */
package io.jswarm.chaos;
