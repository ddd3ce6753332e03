package io.jswarm.chaos.check;

import io.jswarm.chaos.history.History;
import io.jswarm.chaos.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nothing acknowledged is lost: for every service the churn workload touched, the final state must
 * agree with its last acknowledged operation, unless an indeterminate operation came after it (then
 * either outcome is allowed). A created service must exist, a removed one must not, and a scaled
 * one must have the replica count of its last acknowledged scale (or create).
 */
public final class AcknowledgedServices {
  private AcknowledgedServices() {}

  /** {@code finalReplicas}: service name → replicas, for every service that exists at the end. */
  public static Check check(List<Op> ops, Map<String, Long> finalReplicas) {
    Map<String, List<Op[]>> byKey = new HashMap<>();
    Map<Integer, Op> open = new HashMap<>();
    for (Op o : ops) {
      if (!(o.f().equals("create") || o.f().equals("scale") || o.f().equals("rm"))) continue;
      if (o.type() == Op.Type.INVOKE) {
        open.put(o.process(), o);
      } else {
        Op inv = open.remove(o.process());
        if (inv != null) byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(new Op[] {inv, o});
      }
    }
    open.values().forEach(inv -> byKey.computeIfAbsent(inv.key(), k -> new ArrayList<>()).add(new Op[] {inv, null}));
    List<String> violations = new ArrayList<>();
    int acked = 0;
    for (var e : byKey.entrySet()) {
      String name = e.getKey();
      // completion order: the last OK, and whether an uncertain op was invoked after it was invoked
      List<Op[]> pairs = e.getValue();
      pairs.sort(java.util.Comparator.comparingLong(p -> p[0].nanos()));
      Op[] lastOk = null;
      boolean uncertainAfter = false;
      for (Op[] p : pairs) {
        Op.Type t = p[1] == null ? Op.Type.INFO : p[1].type();
        if (t == Op.Type.OK) {
          lastOk = p;
          uncertainAfter = false;
        } else if (t == Op.Type.INFO && lastOk != null) {
          uncertainAfter = true;
        }
        // a concurrent op invoked before lastOk completed but finishing after it could also win;
        // one client per service issues ops one at a time, so there is none
      }
      if (lastOk == null || uncertainAfter) continue;
      acked++;
      Optional<Long> replicas = Optional.ofNullable(finalReplicas.get(name));
      String f = lastOk[0].f();
      if (f.equals("rm") && replicas.isPresent()) {
        violations.add(name + ": removed (acknowledged) but still exists");
      } else if (!f.equals("rm") && replicas.isEmpty()) {
        violations.add(name + ": " + f + " acknowledged at " + lastOk[1].nanos() / 1_000_000 + " ms, but the service is gone");
      } else if (!f.equals("rm") && replicas.get() != Long.parseLong(lastOk[0].value())) {
        violations.add(name + ": " + f + " to " + lastOk[0].value() + " acknowledged, but it has " + replicas.get() + " replicas");
      }
    }
    String detail = acked + " service(s) with a settled acknowledged state checked";
    return violations.isEmpty() ? Check.pass("no-acknowledged-service-lost", true, detail)
        : Check.fail("no-acknowledged-service-lost", true, detail, violations);
  }

  /** Convenience for History users. */
  public static Check check(History h, Map<String, Long> finalReplicas) {
    return check(h.ops(), finalReplicas);
  }
}
