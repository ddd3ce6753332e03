/**
 * The leader's side of every node's session: assignments and network state down, status and
 * heartbeats up, and the verdict on who is alive (UNKNOWN after a leader change, DOWN after the
 * grace). Session handling answers from memory and hands store reads and writes to its own
 * threads, so a busy store never makes a healthy node look dead. See docs/failure-detection.md.
 */
package io.jswarm.manager.dispatcher;
