/**
 * The leader's side of every node's session: assignments and network state down (a complete set
 * per session, then only changes; see docs/dispatch.md), status and heartbeats up, and the
 * verdict on who is alive (UNKNOWN after a leader change, DOWN after the grace). Session handling
 * answers from memory and hands store reads and writes to the loop and the drains, so a busy
 * store never makes a healthy node look dead. See docs/failure-detection.md.
 */
package io.jswarm.manager.dispatcher;
