package io.jswarm.store;

import io.jswarm.api.StoreObject;
import io.jswarm.api.StoreObject.ObjectCase;
import io.jswarm.api.Task;
import io.jswarm.api.TaskStates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the store derives from its objects: look-up indexes, the claims and the live task
 * of each slot. Nothing here is a source of truth: {@link #clear()} and re-adding every object
 * must rebuild it exactly, which is what makes restore a pure function of the snapshot, and
 * {@link #digestInto} lets the state digest prove it (a claim left behind changes the digest).
 */
final class Indexes {
  final Map<String, TreeSet<String>> tasksByService = new HashMap<>();
  final Map<String, TreeSet<String>> tasksByNode = new HashMap<>();
  final Map<String, String> serviceIdByName = new HashMap<>();
  final Map<String, String> networkIdByName = new HashMap<>();
  /** Slot key (see {@link #slotKey}) → ids of the live tasks in it. */
  final Map<String, TreeSet<String>> liveBySlot = new HashMap<>();
  final Claims claims = new Claims();
  /** Kind → meta.version → how many objects of the kind have it: the top is a list read's fingerprint. */
  private final Map<ObjectCase, TreeMap<Long, Integer>> versions = new EnumMap<>(ObjectCase.class);

  void clear() {
    tasksByService.clear();
    tasksByNode.clear();
    serviceIdByName.clear();
    networkIdByName.clear();
    liveBySlot.clear();
    claims.clear();
    versions.clear();
  }

  /** The highest meta.version among the objects of {@code kind}, 0 when there are none. */
  long maxVersion(ObjectCase kind) {
    TreeMap<Long, Integer> v = versions.get(kind);
    return v == null || v.isEmpty() ? 0 : v.lastKey();
  }

  void add(StoreObject o) {
    claims.add(o);
    versions.computeIfAbsent(o.getObjectCase(), k -> new TreeMap<>()).merge(StoreObjects.version(o), 1, Integer::sum);
    switch (o.getObjectCase()) {
      case NETWORK -> networkIdByName.put(o.getNetwork().getSpec().getName(), o.getNetwork().getId());
      case TASK -> {
        Task t = o.getTask();
        addTo(tasksByService, t.getServiceId(), t.getId());
        addTo(tasksByNode, t.getNodeId(), t.getId());
        if (TaskStates.isLive(t)) {
          addTo(liveBySlot, slotKey(t), t.getId());
        }
      }
      case SERVICE -> {
        String name = o.getService().getSpec().getName();
        if (!name.isEmpty()) {
          serviceIdByName.put(name, o.getService().getId());
        }
      }
      default -> { }
    }
  }

  void remove(StoreObject o) {
    claims.remove(o);
    TreeMap<Long, Integer> v = versions.get(o.getObjectCase());
    if (v != null) {
      v.computeIfPresent(StoreObjects.version(o), (k, n) -> n == 1 ? null : n - 1);
    }
    switch (o.getObjectCase()) {
      case NETWORK -> networkIdByName.remove(o.getNetwork().getSpec().getName(), o.getNetwork().getId());
      case TASK -> {
        Task t = o.getTask();
        removeFrom(tasksByService, t.getServiceId(), t.getId());
        removeFrom(tasksByNode, t.getNodeId(), t.getId());
        removeFrom(liveBySlot, slotKey(t), t.getId());
      }
      case SERVICE -> serviceIdByName.remove(o.getService().getSpec().getName(), o.getService().getId());
      default -> { }
    }
  }

  /**
   * The slot a task fills: its service and slot number (replicated), or its service and node
   * (global: slot 0); empty for a task that fills none (no service, or global and unplaced).
   */
  static String slotKey(Task t) {
    if (t.getServiceId().isEmpty()) return "";
    if (t.getSlot() != 0) return t.getServiceId() + "/" + t.getSlot();
    return t.getNodeId().isEmpty() ? "" : t.getServiceId() + "@" + t.getNodeId();
  }

  Set<String> liveIn(String slotKey) {
    TreeSet<String> ids = liveBySlot.get(slotKey);
    return ids == null ? Set.of() : ids;
  }

  /** Feeds every index to {@code sha} in a fixed order, so equal objects give equal bytes. */
  void digestInto(MessageDigest sha) {
    digestSets(sha, "tasksByService", tasksByService);
    digestSets(sha, "tasksByNode", tasksByNode);
    digestSets(sha, "liveBySlot", liveBySlot);
    digestMap(sha, "serviceIdByName", serviceIdByName);
    digestMap(sha, "networkIdByName", networkIdByName);
    digestMap(sha, "claims", claims.owners());
    digestMap(sha, "subnets", claims.subnets());
    field(sha, "versions");
    for (ObjectCase kind : new TreeMap<>(versions).keySet()) {
      if (versions.get(kind).isEmpty()) continue; // a kind emptied by deletes is no kind restored
      field(sha, kind.name());
      for (var e : versions.get(kind).entrySet()) {
        field(sha, e.getKey() + "x" + e.getValue());
      }
    }
  }

  private static void digestSets(MessageDigest sha, String name, Map<String, TreeSet<String>> index) {
    field(sha, name);
    for (var e : new TreeMap<>(index).entrySet()) {
      field(sha, e.getKey());
      for (String id : e.getValue()) field(sha, id);
      field(sha, "");
    }
  }

  private static void digestMap(MessageDigest sha, String name, Map<String, String> index) {
    field(sha, name);
    for (var e : new TreeMap<>(index).entrySet()) {
      field(sha, e.getKey());
      field(sha, e.getValue());
    }
  }

  /** Length-prefixed, so that no two different sequences of fields give the same bytes. */
  private static void field(MessageDigest sha, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
    sha.update(b);
  }

  private static void addTo(Map<String, TreeSet<String>> index, String key, String id) {
    if (!key.isEmpty()) {
      index.computeIfAbsent(key, k -> new TreeSet<>()).add(id);
    }
  }

  private static void removeFrom(Map<String, TreeSet<String>> index, String key, String id) {
    TreeSet<String> ids = index.get(key);
    if (ids != null && ids.remove(id) && ids.isEmpty()) {
      index.remove(key);
    }
  }
}
