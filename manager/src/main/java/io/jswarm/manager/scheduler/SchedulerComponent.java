package io.jswarm.manager.scheduler;

import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.manager.Chunks;
import io.jswarm.manager.WatchLoop;
import io.jswarm.manager.network.HostPorts;
import io.jswarm.manager.network.TaskAddresses;
import io.jswarm.store.BatchWriter;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Assigns pending tasks to nodes: runs {@link Scheduler#schedule} over one read of the store and
 * commits the placements through a leader-fenced {@link BatchWriter} in bounded entries. Tasks
 * with a restart delay wait until their time.
 */
public final class SchedulerComponent extends WatchLoop {
  private volatile long nextDueMs = Long.MAX_VALUE;

  public SchedulerComponent(RaftStore store) {
    super(store, "scheduler");
  }

  @Override
  protected Duration idle() {
    long wait = nextDueMs - System.currentTimeMillis();
    return Duration.ofMillis(Math.max(10, Math.min(1_000, wait)));
  }

  @Override
  protected boolean relevant(StoreEvent e) {
    var o = e.newObject() != null ? e.newObject() : e.oldObject();
    return o.hasNode() || o.hasTask() || o.hasNetwork()
        || (o.hasService() && o.getService().getEndpoint().getPortsCount() > 0);
  }

  @Override
  protected void pass(List<StoreEvent> events) throws Exception {
    long now = System.currentTimeMillis();
    BatchWriter batch = store.leaderBatch(); // fenced to this leadership's term
    long[] next = {Long.MAX_VALUE};
    List<Task> taskWrites = new ArrayList<>();
    List<io.jswarm.api.Node> nodeWrites = new ArrayList<>();
    // Planned on one consistent read; written in bounded entries, each write carrying the
    // version it was planned from (and the store's claims keep addresses and ports unique).
    store.read(v -> {
      List<Task> due = new ArrayList<>();
      for (Task t : v.tasks()) {
        if (Scheduler.isPending(t) && t.getNotBeforeMs() > now) {
          next[0] = Math.min(next[0], t.getNotBeforeMs());
          continue; // not yet: treated as neither pending nor load
        }
        due.add(t);
      }
      Scheduler.Result r = Scheduler.schedule(v.nodes(), due);
      TaskAddresses addresses = new TaskAddresses(v);
      HostPorts hostPorts = new HostPorts(v);
      for (Map.Entry<String, String> p : r.placements().entrySet()) {
        Task t = v.task(p.getKey()).orElseThrow();
        Task.Builder b = t.toBuilder().setNodeId(p.getValue());
        // Addresses and dynamic host ports are handed out as the task is placed, in the same
        // write, so a placed task always has them (and the store's claims keep them unique).
        if (t.getNetworksCount() == 0) {
          TaskAddresses.Result a = addresses.attach(t, v.service(t.getServiceId()).orElse(null));
          if (a.error() != null) {
            if (!t.getStatus().getErr().equals(a.error())) taskWrites.add(t.toBuilder().setStatus(t.getStatus().toBuilder().setErr(a.error())).build());
            continue;
          }
          b.addAllNetworks(a.attachments());
        }
        String portErr = hostPorts.fill(b, p.getValue());
        if (portErr != null) {
          if (!t.getStatus().getErr().equals(portErr)) taskWrites.add(t.toBuilder().setStatus(t.getStatus().toBuilder().setErr(portErr)).build());
          continue;
        }
        taskWrites.add(b.setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED)
                .setTimestampMs(now).setMessage("scheduler assigned task to node"))
            .build());
      }
      // Every node joins the routing mesh once a service publishes an ingress port.
      boolean mesh = v.services().stream().anyMatch(sv -> sv.getEndpoint().getPortsList().stream()
          .anyMatch(pc -> pc.getPublishMode() == io.jswarm.api.PortConfig.PublishMode.INGRESS));
      if (mesh) {
        io.jswarm.api.Network ingress = v.networks().stream().filter(n -> n.getSpec().getIngress()).findFirst().orElse(null);
        for (io.jswarm.api.Node n : v.nodes()) {
          if (ingress == null || n.getIngress().getNetworkId().equals(ingress.getId())) continue;
          addresses.next(ingress.getId()).ifPresent(a -> nodeWrites.add(n.toBuilder().setIngress(
              io.jswarm.api.NetworkAttachment.newBuilder().setNetworkId(ingress.getId()).setAddress(a)).build()));
        }
      }
      for (Map.Entry<String, String> u : r.unplaced().entrySet()) {
        Task t = v.task(u.getKey()).orElseThrow();
        if (!t.getStatus().getErr().equals(u.getValue())) {
          taskWrites.add(t.toBuilder().setStatus(t.getStatus().toBuilder().setErr(u.getValue())).build());
        }
      }
      return null;
    });
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
    for (List<io.jswarm.api.Node> chunk : Chunks.of(nodeWrites, store.limits())) {
      batch.update(tx -> chunk.forEach(tx::update));
    }
    batch.commit();
    nextDueMs = next[0];
  }
}
