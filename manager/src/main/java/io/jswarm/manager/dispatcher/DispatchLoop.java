package io.jswarm.manager.dispatcher;

import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.StoreObject;
import io.jswarm.manager.WatchLoop;
import io.jswarm.manager.membership.Managers;
import io.jswarm.manager.network.NetworkStates;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dispatcher's one loop: folds store events into its indexes ({@link AssignmentSet},
 * {@link NetworkStates}) and sends every greeted session what changed for its node, network
 * state first (a worker wires a task's networks before it starts the container). A session is
 * greeted with complete sets built from the same indexes under the same lock, so between its
 * complete sets and the changes that follow nothing is lost or sent twice.
 *
 * <p>Cost per batch: proportional to the events, plus one look per open session when the
 * network topology or a network's content changed; never a scan of every task.
 */
final class DispatchLoop extends WatchLoop {
  private final Dispatcher dispatcher;
  private final Object lock = new Object();
  /** Built in {@link #begin} on the store's read, installed under the lock by the first pass. */
  private volatile Indexes fresh;
  private AssignmentSet assignments; // null until the first pass
  private NetworkStates networks;
  private List<String> lastManagerAddrs;
  private final List<Session> waiting = new ArrayList<>();

  private record Indexes(AssignmentSet assignments, NetworkStates networks, List<String> managerAddrs) {}

  DispatchLoop(RaftStore store, Dispatcher dispatcher) {
    super(store, "dispatcher-assign");
    this.dispatcher = dispatcher;
  }

  /**
   * Called at the start of leadership and on the slow resync timer, atomically with the
   * subscription: the indexes are rebuilt from the whole state and installed by the next pass.
   */
  @Override
  protected void reset(StoreView v) {
    fresh = new Indexes(AssignmentSet.of(v.tasks()), NetworkStates.of(v), Managers.addrs(v));
  }

  /** Sends the session its complete sets, now or (before the indexes exist) on the first pass. */
  void greet(Session s) {
    synchronized (lock) {
      if (assignments == null) waiting.add(s);
      else greetNow(s);
    }
  }

  private void greetNow(Session s) {
    String id = s.nodeId;
    if (s.isClosed() || dispatcher.sessions().get(id) != s) return;
    s.send(DispatcherMessage.newBuilder().setNetworkState(networks.complete(id, s.networks)).build());
    s.send(DispatcherMessage.newBuilder().setAssignments(
        dispatcher.secretValues.attach(s.assigned.complete(assignments.forNode(id).values()))).build());
    s.sendIfChanged(dispatcher.nodeUpdateFor(id));
    s.greeted = true;
  }

  @Override
  protected void pass(List<StoreEvent> events) {
    synchronized (lock) {
      Indexes f = fresh;
      if (f != null) {
        boolean resync = assignments != null;
        fresh = null;
        assignments = f.assignments();
        networks = f.networks();
        lastManagerAddrs = f.managerAddrs();
        if (resync) {
          // changes applied between the old watch's last batch and the new read are in the new
          // indexes but were never sent: every greeted session gets complete sets again
          for (Session s : dispatcher.sessions().values()) {
            if (s.greeted) greetNow(s);
          }
        }
        for (Session s : waiting) greetNow(s);
        waiting.clear();
      }
      if (assignments == null || events.isEmpty()) return;
      Map<String, Set<String>> touched = new HashMap<>();
      Set<String> changedNodes = new HashSet<>();
      boolean topology = false;
      boolean cluster = false; // the swarm's roots (CA rotation) and registry secret travel in every node's update
      for (StoreEvent e : events) {
        dispatcher.noteMembership(e);
        StoreObject o = e.object();
        if (o.hasTask()) assignments.apply(e, touched);
        networks.apply(e);
        if (o.hasNode()) changedNodes.add(o.getNode().getId());
        topology |= o.hasNode() || o.hasService() || o.hasNetwork();
        cluster |= o.hasCluster();
      }
      Map<String, Session> sessions = dispatcher.sessions();
      NetworkStates.Changes changes = networks.takeChanges();
      Collection<String> netNodes = !changes.isEmpty() || topology ? new ArrayList<>(sessions.keySet()) : touched.keySet();
      for (String id : netNodes) {
        Session s = sessions.get(id);
        if (s == null || !s.greeted) continue;
        networks.update(id, s.networks, changes)
            .ifPresent(st -> s.send(DispatcherMessage.newBuilder().setNetworkState(st).build()));
      }
      touched.forEach((id, tasks) -> {
        Session s = sessions.get(id);
        if (s == null || !s.greeted) return;
        s.assigned.changes(assignments.forNode(id), tasks)
            .ifPresent(a -> s.send(DispatcherMessage.newBuilder().setAssignments(dispatcher.secretValues.attach(a)).build()));
      });
      if (!changedNodes.isEmpty() || cluster) sendNodeUpdates(sessions, changedNodes, cluster);
    }
  }

  /**
   * Status and heartbeat-driven fields are cleared from the update, so only changes that matter
   * to the node (role, spec, manager set) travel. A node's update depends only on its own record
   * and the manager set: rebuilt for the nodes that changed, and for every session only when the
   * manager set or the cluster did.
   */
  private void sendNodeUpdates(Map<String, Session> sessions, Set<String> changedNodes, boolean cluster) {
    List<String> prevAddrs = lastManagerAddrs;
    List<Session> open = new ArrayList<>(sessions.values());
    Map<Session, DispatcherMessage> updates = new HashMap<>();
    lastManagerAddrs = store.read(v -> {
      List<String> addrs = Managers.addrs(v);
      boolean all = cluster || !addrs.equals(prevAddrs);
      for (Session s : open) {
        String id = s.nodeId;
        if (s.greeted && id != null && (all || changedNodes.contains(id))) updates.put(s, Dispatcher.nodeUpdateFor(v, id, addrs));
      }
      return addrs;
    });
    updates.forEach(Session::sendIfChanged);
  }
}
