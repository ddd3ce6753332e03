package io.jswarm.store;

import io.jswarm.api.StoreAction;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreObject;
import io.jswarm.api.StoreObject.ObjectCase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A transaction over a base view: records changes folded per object (see {@link Tx}) and
 * answers reads from the base overlaid with those changes.
 */
final class TxImpl extends ObjectView implements Tx {
  /** The net change to one object; for DELETE, {@code object} is what the caller passed. */
  private record Pending(StoreAction.Kind kind, StoreObject object) {}

  private final ObjectView base;
  private final Map<StoreObjects.Key, Pending> pending = new LinkedHashMap<>();
  private final List<String> mistakes = new ArrayList<>();

  TxImpl(ObjectView base) {
    this.base = base;
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

  StoreBatch toBatch(long proposedAtMs) {
    StoreBatch.Builder b = StoreBatch.newBuilder().setProposedAtMs(proposedAtMs);
    for (Pending p : pending.values()) {
      b.addActions(StoreAction.newBuilder().setKind(p.kind()).setObject(p.object()));
    }
    return b.build();
  }

  // ------------------------------------------------------------------ reads with own writes

  @Override
  Optional<StoreObject> get(ObjectCase kind, String id) {
    Pending p = pending.get(new StoreObjects.Key(kind, id));
    if (p == null) {
      return base.get(kind, id);
    }
    return p.kind() == StoreAction.Kind.DELETE ? Optional.empty() : Optional.of(p.object());
  }

  @Override
  List<StoreObject> all(ObjectCase kind) {
    return overlay(base.all(kind), o -> o.getObjectCase() == kind);
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
    List<StoreObject> named = overlay(base.serviceNamed(name).map(List::of).orElse(List.of()),
        o -> o.getObjectCase() == ObjectCase.SERVICE && o.getService().getSpec().getName().equals(name));
    return named.isEmpty() ? Optional.empty() : Optional.of(named.get(0));
  }

  @Override
  Optional<StoreObject> networkNamed(String name) {
    List<StoreObject> named = overlay(base.networkNamed(name).map(List::of).orElse(List.of()),
        o -> o.getObjectCase() == ObjectCase.NETWORK && o.getNetwork().getSpec().getName().equals(name));
    return named.isEmpty() ? Optional.empty() : Optional.of(named.get(0));
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
