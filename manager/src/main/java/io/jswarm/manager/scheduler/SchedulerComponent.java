package io.jswarm.manager.scheduler;

import io.jswarm.api.Network;
import io.jswarm.api.NetworkAttachment;
import io.jswarm.api.Node;
import io.jswarm.api.PortConfig;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.manager.Chunks;
import io.jswarm.manager.WatchLoop;
import io.jswarm.manager.network.AddressIndex;
import io.jswarm.manager.network.HostPorts;
import io.jswarm.manager.network.TaskAddresses;
import io.jswarm.store.BatchWriter;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Assigns pending tasks to nodes: runs {@link Scheduler#schedule} over the pending tasks and the
 * load on each node, both kept from watch events in a {@link SchedulerIndex}, hands out network
 * addresses from the allocator's {@link AddressIndex}, and commits the placements through a
 * leader-fenced {@link BatchWriter} in bounded entries. A pass runs only when something a
 * placement depends on changed (a pending task, a node, freed load, a network, published ports)
 * or when a restart delay is due; a pass reads no task beyond the pending ones.
 */
public final class SchedulerComponent extends WatchLoop {
  private final SchedulerIndex index = new SchedulerIndex();
  private final AddressIndex addresses = new AddressIndex();
  /** Services publishing ingress ports: while any does, every node joins the routing mesh. */
  private final java.util.Set<String> ingressPublishers = new java.util.HashSet<>();
  private volatile long nextDueMs = Long.MAX_VALUE;

  public SchedulerComponent(RaftStore store) {
    super(store, "scheduler");
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    var o = e.object();
    return o.hasNode() || o.hasTask() || o.hasNetwork() || o.hasService();
  }

  @Override
  protected void reset(StoreView v) {
    index.reset(v);
    addresses.reset(v);
    ingressPublishers.clear();
    v.services().forEach(s -> {
      if (publishesIngress(s)) ingressPublishers.add(s.getId());
    });
  }

  private static boolean publishesIngress(io.jswarm.api.Service s) {
    return s.getEndpoint().getPortsList().stream().anyMatch(pc -> pc.getPublishMode() == PortConfig.PublishMode.INGRESS);
  }

  @Override
  protected void onEvent(StoreEvent e) {
    index.apply(e);
    addresses.apply(e);
    var o = e.object();
    if (o.hasService()) {
      boolean before = e.oldObject() != null && publishesIngress(e.oldObject().getService());
      boolean after = e.newObject() != null && publishesIngress(e.newObject().getService());
      if (after) ingressPublishers.add(o.getService().getId());
      else ingressPublishers.remove(o.getService().getId());
      if (before != after || e.oldObject() == null || e.newObject() == null
          || !e.oldObject().getService().getEndpoint().equals(e.newObject().getService().getEndpoint())) index.dirty = true;
    } else if (o.hasNetwork()) {
      index.dirty = true; // a new or changed network may let tasks waiting for an address in
    }
  }

  @Override
  protected long nextDueMs() {
    return nextDueMs;
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    long now = System.currentTimeMillis();
    boolean due = now >= nextDueMs;
    if (!index.dirty && !due) return;
    index.dirty = false;
    long[] next = {Long.MAX_VALUE};
    List<Task> taskWrites = new ArrayList<>();
    List<Node> nodeWrites = new ArrayList<>();
    // Planned on one consistent read of the pending tasks (the index's copies may lag the store
    // by a batch: each is read again); written in bounded entries, each write carrying the
    // version it was planned from (and the store's claims keep addresses and ports unique).
    try {
      store.read(v -> {
        List<Task> ready = new ArrayList<>();
        for (String id : index.pending.keySet()) {
          visited.incrementAndGet();
          Task t = v.task(id).orElse(null);
          if (t == null || !Scheduler.isPending(t)) continue; // its event is on the way
          if (t.getNotBeforeMs() > now) {
            next[0] = Math.min(next[0], t.getNotBeforeMs());
            continue; // not yet: treated as neither pending nor load
          }
          ready.add(t);
        }
        List<Node> nodes = new ArrayList<>(index.nodes.values());
        Scheduler.Result r = ready.isEmpty() ? new Scheduler.Result(Map.of(), Map.of())
            : Scheduler.schedule(nodes, index.loads, ready);
        TaskAddresses addrs = new TaskAddresses(v, addresses);
        HostPorts hostPorts = new HostPorts(v);
        for (Map.Entry<String, String> p : r.placements().entrySet()) {
          Task t = v.task(p.getKey()).orElseThrow();
          Task.Builder b = t.toBuilder().setNodeId(p.getValue());
          // Addresses and dynamic host ports are handed out as the task is placed, in the same
          // write, so a placed task always has them (and the store's claims keep them unique).
          if (t.getNetworksCount() == 0) {
            TaskAddresses.Result a = addrs.attach(t, v.service(t.getServiceId()).orElse(null));
            if (a.error() != null) {
              if (!t.getStatus().getErr().equals(a.error())) taskWrites.add(withErr(t, a.error()));
              continue;
            }
            b.addAllNetworks(a.attachments());
          }
          String portErr = hostPorts.fill(b, p.getValue());
          if (portErr != null) {
            if (!t.getStatus().getErr().equals(portErr)) taskWrites.add(withErr(t, portErr));
            continue;
          }
          taskWrites.add(b.setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED)
                  .setTimestampMs(now).setMessage("scheduler assigned task to node"))
              .build());
        }
        if (!ingressPublishers.isEmpty()) joinMesh(v, addrs, nodeWrites);
        for (Map.Entry<String, String> u : r.unplaced().entrySet()) {
          Task t = v.task(u.getKey()).orElseThrow();
          if (!t.getStatus().getErr().equals(u.getValue())) taskWrites.add(withErr(t, u.getValue()));
        }
        return null;
      });
      nextDueMs = next[0];
      BatchWriter batch = store.leaderBatch(); // fenced to this leadership's term
      for (List<Task> chunk : Chunks.of(taskWrites, store.limits())) {
        batch.update(tx -> {
          for (Task t : chunk) {
            // read (and so fence on) each network the task gets an address on: a network removed
            // since the plan refuses the entry instead of leaving an address on nothing
            t.getNetworksList().forEach(a -> tx.network(a.getNetworkId()));
            tx.update(t);
          }
        });
      }
      for (List<Node> chunk : Chunks.of(nodeWrites, store.limits())) {
        batch.update(tx -> chunk.forEach(tx::update));
      }
      batch.commit();
    } catch (Exception e) {
      index.dirty = true; // the retry (WatchLoop's, in a second) plans again
      nextDueMs = Long.MAX_VALUE; // and recomputes the next restart delay: no spinning on a past one
      throw e;
    }
  }

  /** Every node joins the routing mesh (an address on ingress) once a service publishes an ingress port. */
  private static void joinMesh(StoreView v, TaskAddresses addrs, List<Node> nodeWrites) {
    Network ingress = v.networks().stream().filter(n -> n.getSpec().getIngress()).findFirst().orElse(null);
    if (ingress == null) return;
    for (Node n : v.nodes()) {
      if (n.getIngress().getNetworkId().equals(ingress.getId())) continue;
      addrs.next(ingress.getId()).ifPresent(a -> nodeWrites.add(n.toBuilder().setIngress(
          NetworkAttachment.newBuilder().setNetworkId(ingress.getId()).setAddress(a)).build()));
    }
  }

  private static Task withErr(Task t, String err) {
    return t.toBuilder().setStatus(t.getStatus().toBuilder().setErr(err)).build();
  }
}
