package io.jswarm.manager.scheduler;

import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The candidate nodes of one placement group, arranged for spread preferences: one level per
 * preference, a branch per attribute value (nodes without the attribute share the branch ""),
 * and at the leaves a heap of nodes ordered by (tasks of the service, tasks overall, node id).
 * Each branch knows how many live tasks of the service its nodes hold, so {@link #pick} walks to
 * the least-loaded value at each level (ties: the smaller value) in O(depth × values).
 */
final class SpreadTree {
  private final List<String> keys;
  private final String serviceId;
  private final Branch root = new Branch(null, "");

  SpreadTree(List<String> keys, String serviceId) {
    this.keys = keys;
    this.serviceId = serviceId;
  }

  static class Branch {
    final Branch parent;
    final String value;
    final TreeMap<String, Branch> children = new TreeMap<>();
    long count;
    Leaf leaf;

    Branch(Branch parent, String value) {
      this.parent = parent;
      this.value = value;
    }
  }

  static final class Leaf {
    final Branch at;
    final PriorityQueue<Scheduler.NodeState> heap;

    Leaf(Branch at, Comparator<Scheduler.NodeState> order) {
      this.at = at;
      this.heap = new PriorityQueue<>(order);
    }
  }

  private final java.util.Map<Scheduler.NodeState, Leaf> leafOf = new java.util.IdentityHashMap<>();

  void add(Scheduler.NodeState s) {
    Branch b = root;
    int tasks = s.of(serviceId);
    b.count += tasks;
    for (String k : keys) {
      String v = Constraint.attribute(s.node, k);
      String value = v == null ? "" : v;
      Branch parent = b;
      b = b.children.computeIfAbsent(value, x -> new Branch(parent, x));
      b.count += tasks;
    }
    if (b.leaf == null) {
      b.leaf = new Leaf(b, Comparator.comparingInt((Scheduler.NodeState n) -> n.of(serviceId))
          .thenComparingInt(n -> n.total).thenComparing(n -> n.node.getId()));
    }
    b.leaf.heap.add(s);
    leafOf.put(s, b.leaf);
  }

  /** The leaf to take the next node from, or null when no candidate is left. */
  Leaf pick() {
    Branch b = root;
    while (b.leaf == null) {
      if (b.children.isEmpty()) return null;
      Branch best = null;
      for (Branch c : b.children.values()) {
        if (best == null || c.count < best.count) best = c;
      }
      b = best;
    }
    return b.leaf.heap.isEmpty() ? null : b.leaf;
  }

  /** The node polled from {@code leaf} took a task: count it and put it back. */
  void placed(Scheduler.NodeState s) {
    Leaf leaf = leafOf.get(s);
    for (Branch b = leaf.at; b != null; b = b.parent) b.count++;
    leaf.heap.add(s);
  }

  /** The node polled from {@code leaf} can take no more tasks of this group. */
  void removed(Leaf leaf, Scheduler.NodeState s) {
    // The node's tasks still count for its value: spread is over all tasks of the service.
    leafOf.remove(s);
    Branch b = leaf.at;
    if (!leaf.heap.isEmpty()) return;
    b.leaf = null;
    // Prune empty branches so that pick() never walks into a dead end.
    while (b.parent != null && b.children.isEmpty() && b.leaf == null) {
      b.parent.children.remove(b.value);
      b = b.parent;
    }
  }
}
