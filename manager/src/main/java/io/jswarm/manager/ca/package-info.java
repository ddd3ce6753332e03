/**
 * The managers' side of the swarm CA: the root lives in the Cluster object (its key sealed under
 * the cluster key that only managers hold), and any manager issues certificates from it — at
 * join, on renewal, after a role change, and for admin clients. See docs/security.md.
 */
package io.jswarm.manager.ca;
