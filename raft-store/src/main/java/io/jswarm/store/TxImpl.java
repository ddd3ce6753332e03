package io.jswarm.store;

import io.jswarm.api.StoreAction;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreObject;
import io.jswarm.api.StoreObject.ObjectCase;
import io.jswarm.api.StoreRead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A transaction over a base view: records changes folded per object (see {@link Tx}) and
 * answers reads from the base overlaid with those changes. Every object read by id or name from
 * the base is recorded with the version seen (0: absent) and sent with the batch, which is
 * refused at apply if any of them changed.
 */
final class TxImpl extends ObjectView implements Tx {
  /** The net change to one object; for DELETE, {@code object} is what the caller passed. */
  private record Pending(StoreAction.Kind kind, StoreObject object) {}

  private final ObjectView base;
  private final Map<StoreObjects.Key, Pending> pending = new LinkedHashMap<>();
  private final List<String> mistakes = new ArrayList<>();
  private final Map<StoreObjects.Key, Long> reads = new LinkedHashMap<>();
  /** Kinds listed whole, with the fingerprint seen ({count, max version}). */
  private final Map<ObjectCase, long[]> listed = new java.util.EnumMap<>(ObjectCase.class);

  private final boolean recordReads;

  TxImpl(ObjectView base) {
    this(base, true);
  }

  /**
   * @param recordReads false for a batch writer's accumulating transaction: its reads are those
   *     of the small transactions it absorbs, only those that changed something
   */
  TxImpl(ObjectView base, boolean recordReads) {
    this.base = base;
    this.recordReads = recordReads;
  }

  @Override
  public void create(StoreObject o) {
    StoreObjects.Key k = checkedKey("create", o);
    if (k == null) {
      return;
    }
    Pending p = pending.get(k);
    if (p == null) {
      pending.put(k, new Pending(StoreAction.Kind.CREATE, o));
    } else if (p.kind() == StoreAction.Kind.DELETE) {
      // delete then create of a stored object: one update replacing it
      long storedVersion = StoreObjects.version(p.object());
      pending.put(k, new Pending(StoreAction.Kind.UPDATE,
          StoreObjects.withMeta(o, StoreObjects.meta(o).toBuilder().setVersion(storedVersion).build())));
    } else {
      mistakes.add("create " + k + ": already created or updated in this transaction");
    }
  }

  @Override
  public void update(StoreObject o) {
    StoreObjects.Key k = checkedKey("update", o);
    if (k == null) {
      return;
    }
    Pending p = pending.get(k);
    if (p == null) {
      pending.put(k, new Pending(StoreAction.Kind.UPDATE, o));
    } else if (p.kind() == StoreAction.Kind.DELETE) {
      mistakes.add("update " + k + ": deleted earlier in this transaction");
    } else if (StoreObjects.version(p.object()) != StoreObjects.version(o)) {
      mistakes.add("update " + k + ": version " + StoreObjects.version(o)
          + " does not match the version " + StoreObjects.version(p.object()) + " this transaction holds");
    } else {
      pending.put(k, new Pending(p.kind(), o)); // a created object stays a CREATE
    }
  }

  @Override
  public void delete(StoreObject o) {
    StoreObjects.Key k = checkedKey("delete", o);
    if (k == null) {
      return;
    }
    Pending p = pending.get(k);
    if (p == null) {
      pending.put(k, new Pending(StoreAction.Kind.DELETE, o));
    } else if (p.kind() == StoreAction.Kind.DELETE) {
      mistakes.add("delete " + k + ": deleted twice in this transaction");
    } else if (StoreObjects.version(p.object()) != StoreObjects.version(o)) {
      mistakes.add("delete " + k + ": version " + StoreObjects.version(o)
          + " does not match the version " + StoreObjects.version(p.object()) + " this transaction holds");
    } else if (p.kind() == StoreAction.Kind.CREATE) {
      pending.remove(k); // created and deleted here: nothing to propose
    } else {
      pending.put(k, new Pending(StoreAction.Kind.DELETE, p.object()));
    }
  }

  private StoreObjects.Key checkedKey(String verb, StoreObject o) {
    if (o.getObjectCase() == ObjectCase.OBJECT_NOT_SET || StoreObjects.id(o).isEmpty()) {
      mistakes.add(verb + " of an object without kind or id");
      return null;
    }
    return StoreObjects.key(o);
  }

  /** Mistakes made inside the transaction; any fails the update before it is proposed. */
  List<String> mistakes() {
    return mistakes;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** How many object changes the batch will carry. */
  int changes() {
    return pending.size();
  }

  StoreBatch toBatch(long proposedAtMs, long term) {
    StoreBatch.Builder b = StoreBatch.newBuilder().setProposedAtMs(proposedAtMs).setTerm(term);
    for (Pending p : pending.values()) {
      b.addActions(StoreAction.newBuilder().setKind(p.kind()).setObject(p.object()));
    }
    for (Map.Entry<ObjectCase, long[]> l : listed.entrySet()) {
      b.addReads(StoreRead.newBuilder().setKind(l.getKey().getNumber())
          .setCount(l.getValue()[0]).setVersion(l.getValue()[1]));
    }
    for (Map.Entry<StoreObjects.Key, Long> r : reads.entrySet()) {
      b.addReads(StoreRead.newBuilder().setKind(r.getKey().kind().getNumber())
          .setId(r.getKey().id()).setVersion(r.getValue()));
    }
    return b.build();
  }

  /**
   * Folds {@code child}'s changes, reads and mistakes into this transaction, as if they had been
   * made here: a batch writer gathering several small transactions into one entry. The child
   * read this transaction's view, so replaying its changes through create/update/delete folds
   * them exactly as within one transaction.
   */
  void absorb(TxImpl child) {
    child.reads.forEach(reads::putIfAbsent);
    child.listed.forEach(listed::putIfAbsent);
    for (Pending p : child.pending.values()) {
      switch (p.kind()) {
        case CREATE -> create(p.object());
        case UPDATE -> update(p.object());
        case DELETE -> delete(p.object());
        default -> mistakes.add("unknown change " + p.kind());
      }
    }
    mistakes.addAll(child.mistakes);
  }

  /** Whether this transaction changes the object: a child's read of it is a read of our change. */
  private boolean changes(StoreObjects.Key k) {
    return pending.containsKey(k);
  }

  private void recordRead(StoreObjects.Key k, long version) {
    if (recordReads && !(base instanceof TxImpl parent && parent.changes(k))) {
      reads.putIfAbsent(k, version);
    }
  }

  // ------------------------------------------------------------------ reads with own writes

  @Override
  Optional<StoreObject> get(ObjectCase kind, String id) {
    StoreObjects.Key k = new StoreObjects.Key(kind, id);
    Pending p = pending.get(k);
    if (p == null) {
      Optional<StoreObject> o = base.get(kind, id);
      recordRead(k, o.map(StoreObjects::version).orElse(0L));
      return o;
    }
    return p.kind() == StoreAction.Kind.DELETE ? Optional.empty() : Optional.of(p.object());
  }

  @Override
  List<StoreObject> all(ObjectCase kind) {
    // A list is a read of every object of the kind: a create elsewhere (a phantom) refuses the
    // batch, e.g. network rm after a service create on that network. Except tasks: workers'
    // status reports change them all the time, so a transaction listing them would rarely
    // commit; task-related uniqueness is kept by the claims and slot checks at apply instead.
    if (kind != ObjectCase.TASK && recordReads) {
      listed.putIfAbsent(kind, base.fingerprint(kind));
    }
    return overlay(base.all(kind), o -> o.getObjectCase() == kind);
  }

  @Override
  long[] fingerprint(ObjectCase kind) {
    return base.fingerprint(kind);
  }

  @Override
  List<StoreObject> tasksWithService(String serviceId) {
    return overlay(base.tasksWithService(serviceId),
        o -> o.getObjectCase() == ObjectCase.TASK && o.getTask().getServiceId().equals(serviceId));
  }

  @Override
  List<StoreObject> tasksOnNode(String nodeId) {
    return overlay(base.tasksOnNode(nodeId),
        o -> o.getObjectCase() == ObjectCase.TASK && o.getTask().getNodeId().equals(nodeId));
  }

  @Override
  Optional<StoreObject> serviceNamed(String name) {
    List<StoreObject> named = overlay(base.serviceNamed(name).map(this::recorded).map(List::of).orElse(List.of()),
        o -> o.getObjectCase() == ObjectCase.SERVICE && o.getService().getSpec().getName().equals(name));
    return named.isEmpty() ? Optional.empty() : Optional.of(named.get(0));
  }

  @Override
  Optional<StoreObject> networkNamed(String name) {
    List<StoreObject> named = overlay(base.networkNamed(name).map(this::recorded).map(List::of).orElse(List.of()),
        o -> o.getObjectCase() == ObjectCase.NETWORK && o.getNetwork().getSpec().getName().equals(name));
    return named.isEmpty() ? Optional.empty() : Optional.of(named.get(0));
  }

  /** A base object found by name is a read of that object. */
  private StoreObject recorded(StoreObject o) {
    recordRead(StoreObjects.key(o), StoreObjects.version(o));
    return o;
  }

  /** The base objects not touched here, plus this transaction's live objects that match. */
  private List<StoreObject> overlay(List<StoreObject> fromBase, Predicate<StoreObject> matches) {
    if (pending.isEmpty()) {
      return fromBase;
    }
    TreeMap<String, StoreObject> byId = new TreeMap<>();
    for (StoreObject o : fromBase) {
      if (!pending.containsKey(StoreObjects.key(o))) {
        byId.put(StoreObjects.id(o), o);
      }
    }
    for (Pending p : pending.values()) {
      if (p.kind() != StoreAction.Kind.DELETE && matches.test(p.object())) {
        byId.put(StoreObjects.id(p.object()), p.object());
      }
    }
    return List.copyOf(byId.values());
  }
}
