package io.jswarm.cli.commands;

import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.UpdateServiceRequest;
import io.jswarm.cli.Durations;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "update", description = "Update a service. Tasks are replaced when what they run changes.")
public final class ServiceUpdate extends ClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE") String ref;
  @Option(names = "--image", description = "Service image tag") String image;
  @Option(names = "--replicas", paramLabel = "N", description = "Number of tasks") String replicas;
  @Option(names = "--env-add", paramLabel = "KEY=VALUE", description = "Add or update an environment variable") List<String> envAdd = new ArrayList<>();
  @Option(names = "--env-rm", paramLabel = "KEY", description = "Remove an environment variable") List<String> envRm = new ArrayList<>();
  @Option(names = "--args", description = "Service command args (replaces them; split on spaces)") String args;
  @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container") String workdir;
  @Option(names = {"-u", "--user"}, description = "Username or UID") String user;
  @Option(names = "--restart-condition", description = "none, on-failure or any") String restartCondition;
  @Option(names = "--restart-delay", description = "Delay between restart attempts") String restartDelay;
  @Option(names = "--restart-max-attempts", description = "Maximum number of restarts before giving up") Long restartMaxAttempts;
  @Option(names = "--stop-grace-period", description = "Time to wait before force killing a container") String stopGrace;
  @Option(names = "--constraint-add", paramLabel = "EXPR", description = "Add a placement constraint") List<String> constraintAdd = new ArrayList<>();
  @Option(names = "--constraint-rm", paramLabel = "EXPR", description = "Remove a placement constraint") List<String> constraintRm = new ArrayList<>();
  @Option(names = "--placement-pref-add", paramLabel = "PREF", description = "Add a placement preference (spread=node.labels.<name>)") List<String> prefAdd = new ArrayList<>();
  @Option(names = "--placement-pref-rm", paramLabel = "PREF", description = "Remove a placement preference") List<String> prefRm = new ArrayList<>();
  @Option(names = "--mount-add", paramLabel = "MOUNT", description = "Add or update a mount (type=…,source=…,target=…)") List<String> mountAdd = new ArrayList<>();
  @Option(names = "--mount-rm", paramLabel = "TARGET", description = "Remove the mount at this target path") List<String> mountRm = new ArrayList<>();
  @Option(names = "--network-add", paramLabel = "NETWORK", description = "Attach to a network: NAME or name=NAME[,alias=A]") List<String> networkAdd = new ArrayList<>();
  @Option(names = "--network-rm", paramLabel = "NETWORK", description = "Detach from a network (name or id)") List<String> networkRm = new ArrayList<>();
  @Option(names = "--publish-add", paramLabel = "PORT", description = "Publish a port, in --publish's forms (replaces a port with the same published port)") List<String> publishAdd = new ArrayList<>();
  @Option(names = "--publish-rm", paramLabel = "PORT", description = "Stop publishing a port: PUBLISHED, PUBLISHED:TARGET or either with /udp") List<String> publishRm = new ArrayList<>();
  @Mixin SpecFlags flags = new SpecFlags();
  @Mixin SecretUpdateFlags secretFlags = new SecretUpdateFlags();
  @Mixin SecurityFlags security = new SecurityFlags();
  @Mixin SecurityFlags.Update securityUpdate = new SecurityFlags.Update();
  @Option(names = "--force", description = "Replace every task even if nothing changed") boolean force;
  @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge") boolean detach;
  @Option(names = {"-q", "--quiet"}, description = "Suppress progress output") boolean quiet;

  @Override
  protected int run() throws Exception {
    Long n = replicas == null ? null : Replicas.parse(replicas);
    Service s = retryOutOfSequence(() -> edit(n));
    out().println(s.getSpec().getName());
    if (detach) return 0;
    int rc = new ConvergenceProgress(client(), out(), quiet).await(s.getId());
    var st = client().control().getService(GetServiceRequest.newBuilder().setRef(s.getId()).build()).getUpdateStatus();
    if (rc == 0 && (st.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_STARTED
        || st.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_COMPLETED)) {
      throw new io.jswarm.cli.CliException("service " + s.getSpec().getName() + " rolled back: " + st.getMessage());
    }
    return rc;
  }

  /** Reads the service, applies the flags to its spec and writes it with the version read. */
  private Service edit(Long n) {
    Service s = client().control().getService(GetServiceRequest.newBuilder().setRef(ref).build());
    ServiceSpec.Builder spec = s.getSpec().toBuilder();
    var task = spec.getTaskBuilder();
    var c = task.getContainerBuilder();
    if (image != null) c.setImage(image);
    if (n != null && spec.hasGlobal()) throw new io.jswarm.cli.CliException("--replicas can only be used with replicated mode", 125);
    if (n != null) spec.setReplicated(ReplicatedService.newBuilder().setReplicas(n));
    if (!envAdd.isEmpty() || !envRm.isEmpty()) {
      List<String> env = new ArrayList<>(c.getEnvList());
      for (String k : envRm) env.removeIf(e -> e.equals(k) || e.startsWith(k + "="));
      for (String kv : envAdd) {
        String k = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
        env.removeIf(e -> e.equals(k) || e.startsWith(k + "="));
        env.add(kv);
      }
      c.clearEnv().addAllEnv(env);
    }
    if (!mountAdd.isEmpty() || !mountRm.isEmpty()) {
      var ms = new ArrayList<>(c.getMountsList());
      ms.removeIf(m -> mountRm.contains(m.getTarget()));
      for (String add : mountAdd) {
        var m = MountFlags.parse(add);
        ms.removeIf(x -> x.getTarget().equals(m.getTarget()));
        ms.add(m);
      }
      c.clearMounts().addAllMounts(ms);
    }
    secretFlags.apply(c);
    if (args != null) c.clearArgs().addAllArgs(List.of(args.trim().split("\\s+")));
    if (workdir != null) c.setDir(workdir);
    if (user != null) c.setUser(user);
    if (stopGrace != null) c.setStopGracePeriodMs(Durations.parseMillis(stopGrace)).setStopGracePeriodSet(true);
    security.apply(c);
    securityUpdate.apply(c);
    ServiceCreate.restartPolicy(task.getRestartBuilder(), restartCondition, restartDelay, restartMaxAttempts);
    var placement = task.getPlacementBuilder();
    if (!constraintAdd.isEmpty() || !constraintRm.isEmpty()) {
      List<String> cs = new ArrayList<>(placement.getConstraintsList());
      cs.removeAll(constraintRm);
      for (String add : constraintAdd) if (!cs.contains(add)) cs.add(add);
      placement.clearConstraints().addAllConstraints(cs);
    }
    if (!prefAdd.isEmpty() || !prefRm.isEmpty()) {
      var ps = new ArrayList<>(placement.getPreferencesList());
      for (String rm : prefRm) ps.remove(ServiceCreate.pref(rm));
      for (String add : prefAdd) ps.add(ServiceCreate.pref(add));
      placement.clearPreferences().addAllPreferences(ps);
    }
    updateNetworks(task);
    updatePorts(spec.getEndpointSpecBuilder());
    flags.apply(spec);
    if (force) task.setForceUpdate(task.getForceUpdate() + 1);
    client().control().updateService(UpdateServiceRequest.newBuilder()
        .setServiceId(s.getId()).setVersion(s.getMeta().getVersion()).setSpec(spec).build());
    return s;
  }

  private void updateNetworks(io.jswarm.api.TaskSpec.Builder task) {
    if (networkAdd.isEmpty() && networkRm.isEmpty()) return;
    if (task.getNetworkMode() != io.jswarm.api.NetworkMode.NETWORK_MODE_DEFAULT) {
      throw new io.jswarm.cli.CliException("the service runs with --network host/none; it cannot join overlay networks", 125);
    }
    var nets = new ArrayList<>(task.getNetworksList());
    for (String rm : networkRm) {
      String id = networkId(rm);
      if (!nets.removeIf(a -> a.getTarget().equals(id))) {
        throw new io.jswarm.cli.CliException("service " + ref + " is not attached to network " + rm, 125);
      }
    }
    for (String add : networkAdd) {
      var a = NetworkFlags.attachment(add.trim());
      String id = networkId(a.getTarget());
      if (nets.stream().anyMatch(x -> x.getTarget().equals(id))) {
        throw new io.jswarm.cli.CliException("service " + ref + " is already attached to network " + add, 125);
      }
      nets.add(a.toBuilder().setTarget(id).build());
    }
    task.clearNetworks().addAllNetworks(nets);
  }

  private String networkId(String ref) {
    return client().control().getNetwork(io.jswarm.api.GetNetworkRequest.newBuilder().setRef(ref).build()).getId();
  }

  private void updatePorts(io.jswarm.api.EndpointSpec.Builder e) {
    if (publishAdd.isEmpty() && publishRm.isEmpty()) return;
    var ports = new ArrayList<>(e.getPortsList());
    for (String rm : publishRm) {
      if (!ports.removeIf(p -> PortFlags.matches(p, rm))) {
        throw new io.jswarm.cli.CliException("service " + ref + " does not publish " + rm, 125);
      }
    }
    for (String add : publishAdd) {
      var p = PortFlags.parse(add);
      ports.removeIf(x -> x.getPublishedPort() != 0 && x.getPublishedPort() == p.getPublishedPort() && x.getProtocol() == p.getProtocol());
      ports.add(p);
    }
    e.clearPorts().addAllPorts(ports);
  }
}
