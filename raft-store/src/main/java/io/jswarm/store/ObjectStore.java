package io.jswarm.store;

import com.google.protobuf.CodedOutputStream;
import io.jswarm.api.Meta;
import io.jswarm.api.StoreAction;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreObject;
import io.jswarm.api.StoreObject.ObjectCase;
import io.jswarm.api.StoreSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The indexed in-memory state and the deterministic apply of a {@link StoreBatch}.
 *
 * <p>Every replica applies the same batches in the same order and must end identical, so apply
 * reads nothing but the batch and its log index: versions are the index, times are the batch's
 * {@code proposed_at_ms}. A batch applies all-or-nothing: on the first failing action the
 * changes made so far are undone.
 *
 * <p>Readers hold the read lock; apply holds the write lock and hands the batch's events to
 * every watcher while holding it, so a watcher registered under the read lock sees exactly the
 * batches applied after its initial read.
 */
final class ObjectStore extends ObjectView {
  private static final List<ObjectCase> KINDS =
      List.of(ObjectCase.NODE, ObjectCase.SERVICE, ObjectCase.TASK, ObjectCase.CLUSTER,
          ObjectCase.REGISTRY_REPOSITORY, ObjectCase.REGISTRY_BLOB, ObjectCase.NETWORK, ObjectCase.SECRET);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<ObjectCase, TreeMap<String, StoreObject>> objects = new EnumMap<>(ObjectCase.class);
  private final Indexes indexes = new Indexes();
  private final CopyOnWriteArraySet<Consumer<List<StoreEvent>>> watchers = new CopyOnWriteArraySet<>();
  private long index;

  ObjectStore() {
    for (ObjectCase kind : KINDS) {
      objects.put(kind, new TreeMap<>());
    }
  }

  // ------------------------------------------------------------------ reads

  <T> T read(Function<StoreView, T> fn) {
    lock.readLock().lock();
    try {
      return fn.apply(this);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Runs {@code init} and registers {@code watcher} atomically with respect to apply. */
  <T> T readAndWatch(Function<StoreView, T> init, Consumer<List<StoreEvent>> watcher) {
    lock.readLock().lock();
    try {
      T initial = init.apply(this);
      watchers.add(watcher);
      return initial;
    } finally {
      lock.readLock().unlock();
    }
  }

  void unwatch(Consumer<List<StoreEvent>> watcher) {
    watchers.remove(watcher);
  }

  /** Index of the last batch applied (or restored from a snapshot). */
  long index() {
    lock.readLock().lock();
    try {
      return index;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  Optional<StoreObject> get(ObjectCase kind, String id) {
    TreeMap<String, StoreObject> byId = objects.get(kind);
    return byId == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
  }

  @Override
  List<StoreObject> all(ObjectCase kind) {
    TreeMap<String, StoreObject> byId = objects.get(kind);
    return byId == null ? List.of() : List.copyOf(byId.values());
  }

  @Override
  List<StoreObject> tasksWithService(String serviceId) {
    return tasksIn(indexes.tasksByService.get(serviceId));
  }

  @Override
  List<StoreObject> tasksOnNode(String nodeId) {
    return tasksIn(indexes.tasksByNode.get(nodeId));
  }

  private List<StoreObject> tasksIn(TreeSet<String> ids) {
    if (ids == null) {
      return List.of();
    }
    TreeMap<String, StoreObject> tasks = objects.get(ObjectCase.TASK);
    List<StoreObject> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(tasks.get(id));
    }
    return out;
  }

  @Override
  Optional<StoreObject> networkNamed(String name) {
    String id = indexes.networkIdByName.get(name);
    return id == null ? Optional.empty() : get(ObjectCase.NETWORK, id);
  }

  @Override
  long[] fingerprint(ObjectCase kind) {
    TreeMap<String, StoreObject> byId = objects.get(kind);
    return new long[] {byId == null ? 0 : byId.size(), indexes.maxVersion(kind)};
  }

  @Override
  Optional<StoreObject> serviceNamed(String name) {
    String id = indexes.serviceIdByName.get(name);
    return id == null ? Optional.empty() : get(ObjectCase.SERVICE, id);
  }

  // ------------------------------------------------------------------ apply

  /** Applies {@code batch} as an entry of the term it names (tests and old entries: unfenced). */
  String apply(StoreBatch batch, long entryIndex) {
    return apply(batch, entryIndex, batch.getTerm());
  }

  /**
   * Applies {@code batch} as the entry at {@code entryIndex}, appended to the log in
   * {@code entryTerm}. In order: the term fence, the reads, then the actions one by one, then
   * the slots of the tasks it created. Every check reads only the batch and the state, so every
   * replica answers the same.
   *
   * @return null when applied, else why the whole batch was rejected (nothing changed)
   */
  String apply(StoreBatch batch, long entryIndex, long entryTerm) {
    lock.writeLock().lock();
    try {
      List<StoreEvent> events = new ArrayList<>(batch.getActionsCount());
      String conflict = Fencing.staleTerm(batch, entryTerm);
      if (conflict == null) {
        conflict = Fencing.staleRead(batch, this);
      }
      for (int i = 0; i < batch.getActionsCount() && conflict == null; i++) {
        conflict = applyAction(batch.getActions(i), entryIndex, batch.getProposedAtMs(), events);
      }
      if (conflict == null) {
        // After every action, so that a batch that ends one task and starts its successor in
        // the same slot applies whatever the order of its actions.
        conflict = Fencing.doubleFill(events, indexes, this::get);
      }
      if (conflict != null) {
        undo(events);
        conflict = "batch at index " + entryIndex + " rejected, nothing applied: " + conflict;
      } else if (!events.isEmpty()) {
        publish(List.copyOf(events));
      }
      index = Math.max(index, entryIndex);
      return conflict;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Applies the batches of one grouped entry at {@code entryIndex}, in order, each on its own
   * (as {@link #apply(StoreBatch, long, long)}: one refused batch leaves the others applied),
   * under one hold of the write lock so no reader sees a group half applied.
   *
   * @return per batch, in order, null when applied or why it was refused
   */
  List<String> applyEach(List<StoreBatch> batches, long entryIndex, long entryTerm) {
    lock.writeLock().lock();
    try {
      List<String> out = new ArrayList<>(batches.size());
      for (StoreBatch b : batches) {
        out.add(apply(b, entryIndex, entryTerm));
      }
      return out;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private String applyAction(StoreAction action, long entryIndex, long nowMs, List<StoreEvent> events) {
    StoreObject o = action.getObject();
    if (o.getObjectCase() == ObjectCase.OBJECT_NOT_SET || StoreObjects.id(o).isEmpty()) {
      return action.getKind() + " of an object without kind or id";
    }
    ObjectCase kind = o.getObjectCase();
    String id = StoreObjects.id(o);
    StoreObject current = get(kind, id).orElse(null);
    String what = StoreObjects.describe(o);
    switch (action.getKind()) {
      case CREATE -> {
        if (current != null) {
          return "create " + what + ": the id exists (version " + StoreObjects.version(current) + ")";
        }
        Meta meta = Meta.newBuilder()
            .setVersion(entryIndex).setCreatedAtMs(nowMs).setUpdatedAtMs(nowMs).build();
        StoreObject stamped = StoreObjects.withMeta(o, meta);
        String nameClash = nameClash(stamped);
        if (nameClash != null) {
          return "create " + what + ": " + nameClash;
        }
        put(null, stamped);
        events.add(new StoreEvent(StoreEvent.Kind.CREATE, null, stamped, entryIndex));
      }
      case UPDATE -> {
        String stale = staleness("update", what, current, o);
        if (stale != null) {
          return stale;
        }
        Meta meta = StoreObjects.meta(current).toBuilder()
            .setVersion(entryIndex).setUpdatedAtMs(nowMs).build();
        StoreObject stamped = StoreObjects.withMeta(o, meta);
        String nameClash = nameClash(stamped);
        if (nameClash != null) {
          return "update " + what + ": " + nameClash;
        }
        put(current, stamped);
        events.add(new StoreEvent(StoreEvent.Kind.UPDATE, current, stamped, entryIndex));
      }
      case DELETE -> {
        String stale = staleness("delete", what, current, o);
        if (stale != null) {
          return stale;
        }
        String inUse = kind == ObjectCase.NETWORK ? indexes.claims.addressHolderOn(id) : null;
        if (inUse != null) {
          // whatever the deleting transaction read: a task placed or a service created on the
          // network since keeps it (network rm racing a placement)
          return "delete " + what + ": " + inUse + " holds an address on it";
        }
        remove(current);
        events.add(new StoreEvent(StoreEvent.Kind.DELETE, current, null, entryIndex));
      }
      default -> {
        return "unknown action kind " + action.getKindValue() + " for " + what;
      }
    }
    return null;
  }

  private static String staleness(String verb, String what, StoreObject current, StoreObject given) {
    if (current == null) {
      return verb + " " + what + ": not found";
    }
    long stored = StoreObjects.version(current);
    long read = StoreObjects.version(given);
    if (stored != read) {
      return verb + " " + what + ": version " + read + " is stale, stored version is " + stored
          + " (re-read and retry)";
    }
    return null;
  }

  private String nameClash(StoreObject o) {
    if (o.getObjectCase() != ObjectCase.SERVICE) {
      return indexes.claims.clash(o);
    }
    String name = o.getService().getSpec().getName();
    String holder = name.isEmpty() ? null : indexes.serviceIdByName.get(name);
    if (holder != null && !holder.equals(o.getService().getId())) {
      return "service name \"" + name + "\" is taken by service " + holder;
    }
    return indexes.claims.clash(o);
  }

  /** Reverts the changes whose events are listed, newest first. */
  private void undo(List<StoreEvent> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      StoreEvent e = events.get(i);
      switch (e.kind()) {
        case CREATE -> remove(e.newObject());
        case UPDATE -> put(e.newObject(), e.oldObject());
        case DELETE -> put(null, e.oldObject());
      }
    }
  }

  private void put(StoreObject old, StoreObject o) {
    if (old != null) {
      removeFromIndices(old);
    }
    objects.get(o.getObjectCase()).put(StoreObjects.id(o), o);
    addToIndices(o);
  }

  private void remove(StoreObject old) {
    objects.get(old.getObjectCase()).remove(StoreObjects.id(old));
    removeFromIndices(old);
  }

  private void addToIndices(StoreObject o) {
    indexes.add(o);
  }

  private void removeFromIndices(StoreObject o) {
    indexes.remove(o);
  }

  private void publish(List<StoreEvent> events) {
    for (Consumer<List<StoreEvent>> w : watchers) {
      w.accept(events);
    }
  }

  // ------------------------------------------------------------------ snapshots and digest

  StoreSnapshot toSnapshot() {
    lock.readLock().lock();
    try {
      StoreSnapshot.Builder b = StoreSnapshot.newBuilder().setIndex(index);
      for (ObjectCase kind : KINDS) {
        b.addAllObjects(objects.get(kind).values());
      }
      return b.build();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Replaces the whole state with a snapshot's. Watchers get the difference as one batch of
   * events at the snapshot's index, so a follower that installs a snapshot keeps its watchers
   * consistent.
   */
  void restore(StoreSnapshot snapshot) {
    lock.writeLock().lock();
    try {
      Map<ObjectCase, TreeMap<String, StoreObject>> before = new EnumMap<>(ObjectCase.class);
      for (ObjectCase kind : KINDS) {
        before.put(kind, new TreeMap<>(objects.get(kind)));
        objects.get(kind).clear();
      }
      // Every derived structure starts from nothing: what the old state held (a claim of a task
      // that has since ended on the leader) must not survive into the new one (issue 11).
      indexes.clear();
      for (StoreObject o : snapshot.getObjectsList()) {
        put(null, o);
      }
      index = snapshot.getIndex();
      List<StoreEvent> diff = new ArrayList<>();
      for (ObjectCase kind : KINDS) {
        TreeMap<String, StoreObject> old = before.get(kind);
        TreeMap<String, StoreObject> now = objects.get(kind);
        for (var e : old.entrySet()) {
          StoreObject n = now.get(e.getKey());
          if (n == null) {
            diff.add(new StoreEvent(StoreEvent.Kind.DELETE, e.getValue(), null, index));
          } else if (!n.equals(e.getValue())) {
            diff.add(new StoreEvent(StoreEvent.Kind.UPDATE, e.getValue(), n, index));
          }
        }
        for (var e : now.entrySet()) {
          if (!old.containsKey(e.getKey())) {
            diff.add(new StoreEvent(StoreEvent.Kind.CREATE, null, e.getValue(), index));
          }
        }
      }
      if (!diff.isEmpty()) {
        publish(List.copyOf(diff));
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * A SHA-256 over every object in (kind, id) order, serialized deterministically (map fields
   * sorted), then over every index and claim derived from them. Equal on replicas holding equal
   * objects, whatever order they were applied in or whether they were restored from a snapshot;
   * a derived structure that drifted from the objects changes it.
   */
  String digest() {
    lock.readLock().lock();
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      for (ObjectCase kind : KINDS) {
        for (StoreObject o : objects.get(kind).values()) {
          buf.reset();
          CodedOutputStream out = CodedOutputStream.newInstance(buf);
          out.useDeterministicSerialization();
          o.writeTo(out);
          out.flush();
          byte[] bytes = buf.toByteArray();
          sha.update(intBytes(bytes.length));
          sha.update(bytes);
        }
      }
      indexes.digestInto(sha);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  private static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  int size() {
    lock.readLock().lock();
    try {
      return objects.values().stream().mapToInt(Map::size).sum();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "ObjectStore{index=" + index + ", objects=" + size() + "}";
  }
}
