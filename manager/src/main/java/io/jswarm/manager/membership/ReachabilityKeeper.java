package io.jswarm.manager.membership;

import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import io.jswarm.manager.LeaderComponent;
import io.jswarm.store.RaftStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps each manager's stored reachability equal to what the leader's Raft sees, so that a
 * follower answering {@code node ls} can show the managers it cannot judge itself (followers do
 * not talk to each other). Writes only on a change. Raft reports follower health as "time since
 * the last RPC" and raises no event, hence a once-a-second look rather than a watch.
 */
public final class ReachabilityKeeper implements LeaderComponent {
  private static final Logger LOG = Logger.getLogger(ReachabilityKeeper.class.getName());
  private static final long PERIOD_MS = 1_000;

  private final RaftStore store;
  private ScheduledExecutorService timer;

  public ReachabilityKeeper(RaftStore store) {
    this.store = store;
  }

  @Override
  public synchronized void start() {
    if (timer != null) return;
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "manager-reachability");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::pass, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = timer;
      timer = null;
    }
    if (t == null) return;
    t.shutdownNow();
    try {
      t.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pass() {
    try {
      Map<String, Boolean> view = store.reachability();
      Map<String, ManagerStatus.Reachability> changes = changes(store.read(v -> v.nodes()), view);
      if (changes.isEmpty()) return;
      store.update(tx -> changes.forEach((id, r) -> tx.node(id).ifPresent(n -> {
        if (n.hasManagerStatus() && n.getManagerStatus().getReachability() != r) {
          tx.update(n.toBuilder().setManagerStatus(n.getManagerStatus().toBuilder().setReachability(r)).build());
        }
      })));
    } catch (Exception e) {
      LOG.log(Level.FINE, "recording manager reachability failed; next pass retries", e);
    }
  }

  /** The managers (by node id) whose stored reachability differs from what {@code view} says. */
  static Map<String, ManagerStatus.Reachability> changes(List<Node> nodes, Map<String, Boolean> view) {
    Map<String, ManagerStatus.Reachability> out = new HashMap<>();
    for (Node n : nodes) {
      if (!n.hasManagerStatus()) continue;
      Boolean r = view.get(n.getManagerStatus().getRaftId());
      if (r == null) continue; // not a Raft member (being added or removed): nothing to say
      ManagerStatus.Reachability now = r ? ManagerStatus.Reachability.REACHABLE : ManagerStatus.Reachability.UNREACHABLE;
      if (n.getManagerStatus().getReachability() != now) out.put(n.getId(), now);
    }
    return out;
  }
}
