/**
 * Fault-injection suites (built with the HA issue): kill -9, SIGSTOP and partitions against a lab cluster, asserting invariants by waiting on conditions, never on sleeps.
 */
package io.jswarm.chaos;
