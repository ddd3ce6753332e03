package io.jswarm.manager.orchestrator;

import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.SpecRevision;
import io.jswarm.api.UpdateStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Spec changes of a service, in one place: every change gets a new revision in the bounded
 * history, bumps spec_version when what the tasks run changed, and (re)starts the rolling update
 * or rollback.
 */
public final class ServiceHistory {
  /** Spec revisions kept per service; the oldest are dropped. */
  public static final int LIMIT = 20;

  private ServiceHistory() {}

  /** A new service's first revision. */
  public static Service.Builder created(Service.Builder s, long now) {
    return s.setRevision(1).clearHistory()
        .addHistory(SpecRevision.newBuilder().setRevision(1).setSpec(s.getSpec()).setAtMs(now));
  }

  /** {@code current} with {@code spec} as its new spec. */
  public static Service change(Service current, ServiceSpec spec, long now, UpdateStatus.State state, String message) {
    // Published ports count too: a task's host ports and ingress attachment are settled when it is placed.
    boolean tasksChange = !spec.getTask().equals(current.getSpec().getTask())
        || !spec.getEndpointSpec().equals(current.getSpec().getEndpointSpec());
    long revision = Math.max(current.getRevision(), lastRevision(current)) + 1;
    List<SpecRevision> history = new ArrayList<>(current.getHistoryList());
    if (history.isEmpty()) {
      history.add(SpecRevision.newBuilder().setRevision(revision - 1).setSpec(current.getSpec()).build());
    }
    history.add(SpecRevision.newBuilder().setRevision(revision).setSpec(spec).setAtMs(now).build());
    while (history.size() > LIMIT) history.remove(0);
    Service.Builder b = current.toBuilder().setPreviousSpec(current.getSpec()).setSpec(spec)
        .setRevision(revision).clearHistory().addAllHistory(history);
    // Only a change of what runs makes new tasks (and an update to supervise).
    if (tasksChange) {
      b.setSpecVersion(current.getSpecVersion() + 1)
          .setUpdateStatus(UpdateStatus.newBuilder().setState(state).setStartedAtMs(now).setMessage(message));
    }
    return b.build();
  }

  /** The revision before the current one, or revision {@code n}. */
  public static Optional<SpecRevision> find(Service s, long n) {
    List<SpecRevision> h = s.getHistoryList();
    if (n == 0) {
      if (h.size() >= 2) return Optional.of(h.get(h.size() - 2));
      if (s.hasPreviousSpec()) return Optional.of(SpecRevision.newBuilder().setSpec(s.getPreviousSpec()).build());
      return Optional.empty();
    }
    return h.stream().filter(r -> r.getRevision() == n).findFirst();
  }

  private static long lastRevision(Service s) {
    return s.getHistoryCount() == 0 ? 1 : s.getHistory(s.getHistoryCount() - 1).getRevision();
  }
}
