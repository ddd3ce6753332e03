package io.jswarm.manager;

import io.jswarm.manager.dispatcher.Dispatcher;
import io.jswarm.manager.orchestrator.ReplicatedOrchestrator;
import io.jswarm.manager.orchestrator.TaskReaper;
import io.jswarm.manager.scheduler.SchedulerComponent;
import io.jswarm.store.RaftStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * The manager role of a node: the store, and the leader components that run while this
 * manager leads. Leadership changes start and stop them; a deposed leader's components stop
 * before anything else happens, and the store refuses its writes anyway.
 */
public final class Manager implements AutoCloseable {
  private final RaftStore store;
  private final ImageResolver images;
  private final Dispatcher dispatcher;
  private final List<LeaderComponent> components;
  private final SnapshotKeeper snapshots;
  private boolean leading;

  private final Supplier<byte[]> clusterKey;

  /** A manager without the cluster key (tests): it can neither seal nor deliver secrets. */
  public Manager(RaftStore store, ImageResolver images) {
    this(store, images, () -> null);
  }

  /**
   * @param clusterKey the key only managers hold (never in the log): it seals the CA key and the
   *     data keys of secrets; read on each use, since a joining manager receives it late
   */
  public Manager(RaftStore store, ImageResolver images, Supplier<byte[]> clusterKey) {
    this.store = store;
    this.images = images;
    this.clusterKey = clusterKey;
    this.dispatcher = new Dispatcher(store, clusterKey);
    this.snapshots = new SnapshotKeeper(store);
    this.components = List.of(
        dispatcher,
        new ReplicatedOrchestrator(store),
        new SchedulerComponent(store),
        new TaskReaper(store),
        new io.jswarm.manager.membership.RoleManager(store),
        new io.jswarm.manager.membership.ReachabilityKeeper(store));
  }

  public void start() {
    snapshots.start();
    store.addLeadershipListener(this::leadershipChanged);
    leadershipChanged(store.isLeader());
  }

  private synchronized void leadershipChanged(boolean leader) {
    if (leader == leading) return;
    leading = leader;
    if (leader) components.forEach(LeaderComponent::start);
    else components.forEach(LeaderComponent::stop);
  }

  public RaftStore store() {
    return store;
  }

  /** The cluster key, or null when this manager has none yet. */
  public byte[] clusterKey() {
    return clusterKey.get();
  }

  public ImageResolver images() {
    return images;
  }

  /** The gRPC service workers connect to; answers UNAVAILABLE while this manager is not leading. */
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  @Override
  public synchronized void close() {
    snapshots.close();
    leading = false;
    components.forEach(LeaderComponent::stop);
  }
}
