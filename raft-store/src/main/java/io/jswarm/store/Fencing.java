package io.jswarm.store;

import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreObject;
import io.jswarm.api.StoreObject.ObjectCase;
import io.jswarm.api.StoreRead;
import io.jswarm.api.Task;
import io.jswarm.api.TaskStates;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The apply-time rules that keep a write from acting on a world that has moved on: a batch
 * computed under an old term (a deposed leader's pass, or a write forwarded across an
 * election), a batch whose reads are stale (write skew), a create that would give a slot a
 * second live task (old and new leader both refilling it). Each answers null (fine) or why the
 * batch is refused; the text of a stale term starts with {@link #LOST_LEADERSHIP} so the
 * proposer can tell it apart.
 */
final class Fencing {
  static final String LOST_LEADERSHIP = "lost leadership";
  static final String STALE_READ = "read of ";

  private Fencing() {}

  static String staleTerm(StoreBatch batch, long entryTerm) {
    if (batch.getTerm() == 0 || batch.getTerm() == entryTerm) {
      return null;
    }
    return LOST_LEADERSHIP + ": the batch was computed in term " + batch.getTerm()
        + " but appended in term " + entryTerm + " (re-read and retry on the current leader)";
  }

  static String staleRead(StoreBatch batch, ObjectView state) {
    for (StoreRead r : batch.getReadsList()) {
      ObjectCase kind = ObjectCase.forNumber(r.getKind());
      if (kind == null || kind == ObjectCase.OBJECT_NOT_SET) {
        return "read of an unknown kind " + r.getKind() + " (id " + r.getId() + ")";
      }
      if (r.getId().isEmpty()) {
        long[] now = state.fingerprint(kind);
        if (now[0] != r.getCount() || now[1] != r.getVersion()) {
          return STALE_READ + "every " + StoreObjects.kindName(kind) + " is stale: one was created, updated or"
              + " deleted meanwhile (re-read and retry)";
        }
        continue;
      }
      long stored = state.get(kind, r.getId()).map(StoreObjects::version).orElse(0L);
      if (stored != r.getVersion()) {
        String what = StoreObjects.kindName(kind) + " " + r.getId();
        return STALE_READ + what + " is stale: read "
            + (r.getVersion() == 0 ? "absent" : "version " + r.getVersion()) + ", now "
            + (stored == 0 ? "absent" : "version " + stored) + " (re-read and retry)";
      }
    }
    return null;
  }

  /** A created live task must be the only live task of its spec version in its slot. */
  static String doubleFill(List<StoreEvent> events, Indexes indexes,
      BiFunction<ObjectCase, String, Optional<StoreObject>> get) {
    for (StoreEvent e : events) {
      if (e.kind() != StoreEvent.Kind.CREATE || !e.newObject().hasTask()) continue;
      Task t = e.newObject().getTask();
      String slot = Indexes.slotKey(t);
      if (slot.isEmpty() || !TaskStates.isLive(t)) continue;
      for (String other : indexes.liveIn(slot)) {
        // A start-first rolling update runs the new spec's task beside the old one for a while;
        // two live tasks of the same spec version in one slot is always a double fill.
        if (other.equals(t.getId())) continue;
        long otherVersion = get.apply(ObjectCase.TASK, other).map(o -> o.getTask().getSpecVersion()).orElse(-1L);
        if (otherVersion == t.getSpecVersion()) {
          return "create task " + t.getId() + ": slot " + describe(t) + " already has live task " + other;
        }
      }
    }
    return null;
  }

  private static String describe(Task t) {
    return t.getSlot() != 0 ? t.getSlot() + " of service " + t.getServiceId()
        : "of service " + t.getServiceId() + " on node " + t.getNodeId();
  }
}
