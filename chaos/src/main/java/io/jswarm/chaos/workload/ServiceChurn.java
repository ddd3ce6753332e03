package io.jswarm.chaos.workload;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.CreateServiceRequest;
import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.RemoveServiceRequest;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.UpdateServiceRequest;
import io.jswarm.chaos.history.History;
import io.jswarm.chaos.history.Op;
import io.jswarm.chaos.run.Clients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Service create / scale / rm through the Control API, with real containers (busybox sleeping) on
 * the workers: what the "nothing acknowledged lost" and "no slot runs twice" checkers look at.
 * At most {@code maxLive} services exist at once, of 1..3 replicas, so the lab is never loaded
 * beyond a few containers per host. History values: the replica count asked for.
 */
public final class ServiceChurn implements Workload {
  public static final String PREFIX = "chaos-svc-";

  private final Clients clients;
  private final History history;
  private final List<String> managers;
  private final Random rnd;
  private final long timeoutMs;
  private final int maxOps;
  private final int maxLive;
  private final int process0;
  private int process;
  private int next;
  private final List<String> live = new ArrayList<>();

  public ServiceChurn(Clients clients, History history, List<String> managers, int process, long seed, Duration timeout,
      int maxOps, int maxLive) {
    this.clients = clients;
    this.history = history;
    this.managers = managers;
    this.process0 = process;
    this.process = process;
    this.rnd = new Random(seed);
    this.timeoutMs = timeout.toMillis();
    this.maxOps = maxOps;
    this.maxLive = maxLive;
  }

  @Override
  public String name() {
    return "services-" + process0;
  }

  @Override
  public void setUp() {}

  @Override
  public void run(AtomicBoolean stop) {
    for (int n = 0; n < maxOps && !stop.get(); n++) {
      String host = managers.get(rnd.nextInt(managers.size()));
      Op.Type end;
      if (live.size() < maxLive && (live.isEmpty() || rnd.nextInt(3) == 0)) {
        end = create(host, PREFIX + process0 + "-" + (++next));
      } else if (rnd.nextInt(3) == 0) {
        end = remove(host, live.get(rnd.nextInt(live.size())));
      } else {
        end = scale(host, live.get(rnd.nextInt(live.size())), 1 + rnd.nextInt(3));
      }
      if (end == Op.Type.INFO) process += 1000;
      RegisterWorkload.pause(500 + rnd.nextInt(1000));
    }
  }

  static ServiceSpec spec(String name, long replicas) {
    return ServiceSpec.newBuilder().setName(name)
        .setTask(TaskSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setImage("busybox:latest")
            .addCommand("sleep").addCommand("3600").setStopGracePeriodMs(0).setStopGracePeriodSet(true)))
        .setReplicated(ReplicatedService.newBuilder().setReplicas(replicas)).build();
  }

  private Op.Type create(String host, String name) {
    Op inv = Op.invoke(process, "create", name, "1", null, history.now());
    history.add(inv);
    live.add(name); // also when indeterminate: a later rm or scale settles it
    try {
      clients.control(host, timeoutMs).createService(CreateServiceRequest.newBuilder().setSpec(spec(name, 1)).build());
      history.add(inv.complete(Op.Type.OK, "1", history.now(), null));
      return Op.Type.OK;
    } catch (StatusRuntimeException e) {
      Op.Type t = Calls.outcome(e);
      if (t == Op.Type.FAIL) live.remove(name);
      history.add(inv.complete(t, "1", history.now(), Calls.brief(e)));
      return t;
    }
  }

  private Op.Type scale(String host, String name, long replicas) {
    Op inv = Op.invoke(process, "scale", name, String.valueOf(replicas), null, history.now());
    history.add(inv);
    try {
      Service cur = clients.control(host, timeoutMs).getService(GetServiceRequest.newBuilder().setRef(name).build());
      clients.control(host, timeoutMs).updateService(UpdateServiceRequest.newBuilder().setServiceId(cur.getId())
          .setVersion(cur.getMeta().getVersion())
          .setSpec(cur.getSpec().toBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))).build());
      history.add(inv.complete(Op.Type.OK, String.valueOf(replicas), history.now(), null));
      return Op.Type.OK;
    } catch (StatusRuntimeException e) {
      Op.Type t = Calls.outcome(e);
      history.add(inv.complete(t, String.valueOf(replicas), history.now(), Calls.brief(e)));
      return t;
    }
  }

  private Op.Type remove(String host, String name) {
    Op inv = Op.invoke(process, "rm", name, null, null, history.now());
    history.add(inv);
    try {
      clients.control(host, timeoutMs).removeService(RemoveServiceRequest.newBuilder().setRef(name).build());
      history.add(inv.complete(Op.Type.OK, null, history.now(), null));
      live.remove(name);
      return Op.Type.OK;
    } catch (StatusRuntimeException e) {
      Op.Type t = Calls.outcome(e);
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) live.remove(name);
      history.add(inv.complete(t, null, history.now(), Calls.brief(e)));
      return t;
    }
  }
}
