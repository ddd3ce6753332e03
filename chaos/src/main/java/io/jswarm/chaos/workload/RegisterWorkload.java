package io.jswarm.chaos.workload;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.CreateServiceRequest;
import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.UpdateServiceRequest;
import io.jswarm.chaos.history.History;
import io.jswarm.chaos.history.Op;
import io.jswarm.chaos.run.Clients;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Registers in the cluster store, read and written through the real Control API: register K is the
 * label {@code chaos.value} of a service {@code chaos-reg-K} with no replicas (no containers). A
 * read is GetService; a write is GetService then UpdateService at the version read (applied only
 * if nothing changed in between); a cas reads, compares, and updates at that version. Every client
 * talks to one manager (as a Jepsen client is bound to a node), so a partitioned or stale manager's
 * answers show in the history. Values are unique per write, so equal values mean the same write.
 */
public final class RegisterWorkload implements Workload {
  public static final String PREFIX = "chaos-reg-";
  static final String LABEL = "chaos.value";

  private final Clients clients;
  private final History history;
  private final List<String> managers;
  private final int keys;
  private final int process0;
  private final Random rnd;
  private final long timeoutMs;
  private final int maxOps;
  private int process;
  private int seq;

  public RegisterWorkload(Clients clients, History history, List<String> managers, int keys, int process, long seed,
      Duration timeout, int maxOps) {
    this.clients = clients;
    this.history = history;
    this.managers = managers;
    this.keys = keys;
    this.process0 = process;
    this.process = process;
    this.rnd = new Random(seed);
    this.timeoutMs = timeout.toMillis();
    this.maxOps = maxOps;
  }

  @Override
  public String name() {
    return "register-" + process0;
  }

  @Override
  public void setUp() {}

  /**
   * Creates the registers, or finds them left by an earlier run; returns each one's value now (the
   * initial state the linearizability check starts from).
   */
  public static java.util.Map<String, String> prepare(Clients clients, String manager, int keys, Duration timeout) {
    java.util.Map<String, String> initial = new java.util.TreeMap<>();
    for (int k = 0; k < keys; k++) {
      String name = PREFIX + k;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try {
          Service s = clients.control(manager, timeout.toMillis()).getService(GetServiceRequest.newBuilder().setRef(name).build());
          initial.put(name, s.getSpec().getLabelsOrDefault(LABEL, ""));
          break;
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
            try {
              clients.control(manager, timeout.toMillis()).createService(CreateServiceRequest.newBuilder().setSpec(spec(name, "0")).build());
            } catch (StatusRuntimeException ignored) {
              // read again: it may have been created after all
            }
          }
          if (System.nanoTime() > deadline) throw new IllegalStateException("cannot set up register " + name + ": " + Calls.brief(e));
          pause(300);
        }
      }
    }
    return initial;
  }

  /** A final read of KEY through HOST, recorded in the history like any client's. */
  public static void finalRead(Clients clients, History history, String host, String key, int process) {
    Op inv = Op.invoke(process, "read", key, null, null, history.now());
    history.add(inv);
    try {
      Service s = clients.control(host, 5_000).getService(GetServiceRequest.newBuilder().setRef(key).build());
      history.add(inv.complete(Op.Type.OK, s.getSpec().getLabelsOrDefault(LABEL, ""), history.now(), null));
    } catch (StatusRuntimeException e) {
      history.add(inv.complete(Op.Type.FAIL, null, history.now(), Calls.brief(e)));
    }
  }

  static ServiceSpec spec(String name, String value) {
    return ServiceSpec.newBuilder().setName(name).putLabels(LABEL, value)
        .setTask(TaskSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setImage("busybox:latest")
            .addCommand("sleep").addCommand("3600")))
        .setReplicated(ReplicatedService.newBuilder().setReplicas(0)).build();
  }

  @Override
  public void run(AtomicBoolean stop) {
    for (int n = 0; n < maxOps && !stop.get(); n++) {
      String key = PREFIX + rnd.nextInt(keys);
      String host = managers.get(Math.floorMod(process, managers.size()));
      int dice = rnd.nextInt(4);
      Op.Type end = dice < 2 ? read(host, key) : dice == 2 ? write(host, key) : cas(host, key);
      // an indeterminate op may still be in flight: that process id is retired (Jepsen's rule)
      if (end == Op.Type.INFO) process += 1000;
      // think time; longer after a failure, so a dead manager is not asked in a tight loop
      pause(end == Op.Type.OK ? 20 + rnd.nextInt(60) : 300 + rnd.nextInt(200));
    }
  }

  private Op.Type read(String host, String key) {
    Op inv = Op.invoke(process, "read", key, null, null, history.now());
    history.add(inv);
    try {
      var headers = new java.util.concurrent.atomic.AtomicReference<io.grpc.Metadata>();
      Service s = clients.controlWithHeaders(host, timeoutMs, headers).getService(GetServiceRequest.newBuilder().setRef(key).build());
      String stale = headers.get() == null ? null : headers.get().get(Clients.STALE);
      if (stale != null) {
        // the manager said this answer may be out of date: it claims no linearizability, and the
        // checker does not hold it to any (an INFO read constrains nothing)
        history.add(inv.complete(Op.Type.INFO, s.getSpec().getLabelsOrDefault(LABEL, ""), history.now(), "marked stale: " + stale));
        return Op.Type.FAIL;
      }
      history.add(inv.complete(Op.Type.OK, s.getSpec().getLabelsOrDefault(LABEL, ""), history.now(), null));
      return Op.Type.OK;
    } catch (StatusRuntimeException e) {
      // a read changes nothing: whatever went wrong, it did not happen
      history.add(inv.complete(Op.Type.FAIL, null, history.now(), Calls.brief(e)));
      return Op.Type.FAIL;
    }
  }

  private Op.Type write(String host, String key) {
    return update(host, key, "write", null);
  }

  private Op.Type cas(String host, String key) {
    // expect a value this client saw recently, or the initial one
    String expect = rnd.nextInt(3) == 0 ? "0" : lastSeen.getOrDefault(key, "0");
    return update(host, key, "cas", expect);
  }

  private final java.util.Map<String, String> lastSeen = new java.util.HashMap<>();

  private Op.Type update(String host, String key, String f, String expect) {
    String value = process0 + "-" + (++seq);
    Op inv = Op.invoke(process, f, key, value, expect, history.now());
    history.add(inv);
    Service cur;
    try {
      cur = clients.control(host, timeoutMs).getService(GetServiceRequest.newBuilder().setRef(key).build());
    } catch (StatusRuntimeException e) {
      history.add(inv.complete(Op.Type.FAIL, value, history.now(), "read before write: " + Calls.brief(e)));
      return Op.Type.FAIL;
    }
    String seen = cur.getSpec().getLabelsOrDefault(LABEL, "");
    lastSeen.put(key, seen);
    if (expect != null && !expect.equals(seen)) {
      history.add(inv.complete(Op.Type.FAIL, value, history.now(), "cas: value is " + seen));
      return Op.Type.FAIL;
    }
    try {
      clients.control(host, timeoutMs).updateService(UpdateServiceRequest.newBuilder().setServiceId(cur.getId())
          .setVersion(cur.getMeta().getVersion()).setSpec(cur.getSpec().toBuilder().putLabels(LABEL, value)).build());
      history.add(inv.complete(Op.Type.OK, value, history.now(), null));
      lastSeen.put(key, value);
      return Op.Type.OK;
    } catch (StatusRuntimeException e) {
      Op.Type t = Calls.outcome(e);
      history.add(inv.complete(t, value, history.now(), Calls.brief(e)));
      return t;
    }
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms); // think time between a client's operations (bounded loop)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
