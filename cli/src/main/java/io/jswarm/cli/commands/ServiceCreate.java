package io.jswarm.cli.commands;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.CreateServiceRequest;
import io.jswarm.api.GlobalService;
import io.jswarm.api.PlacementPreference;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.TaskSpec;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", description = "Create a new service.",
    footer = {"", "Example: jswarm service create --name web --replicas 3 busybox sleep 3600"})
public final class ServiceCreate extends ClientCommand {
  @Option(names = "--name", description = "Service name (default: a generated one)") String name;
  @Option(names = "--replicas", paramLabel = "N", description = "Number of tasks (default 1)") String replicas = "1";
  @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set environment variables") List<String> env = new ArrayList<>();
  @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container") String workdir = "";
  @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>])") String user = "";
  @Option(names = "--hostname", description = "Container hostname") String hostname = "";
  @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Service labels") List<String> labels = new ArrayList<>();
  @Option(names = "--restart-condition", description = "Restart when condition is met: none, on-failure, any (default any)") String restartCondition;
  @Option(names = "--restart-delay", description = "Delay between restart attempts (e.g. 0s, 5s; default 5s)") String restartDelay;
  @Option(names = "--restart-max-attempts", description = "Maximum number of restarts before giving up (0 = unbounded)") Long restartMaxAttempts;
  @Option(names = "--stop-grace-period", description = "Time to wait before force killing a container (default 10s)") String stopGrace;
  @Option(names = "--stop-signal", description = "Signal to stop the container (default SIGTERM)") String stopSignal;
  @Option(names = "--mode", description = "Service mode: replicated or global (default replicated)") String mode = "replicated";
  @Option(names = "--constraint", paramLabel = "EXPR", description = "Placement constraint, e.g. node.labels.zone==a, node.role!=manager, service!=db (anti-affinity)") List<String> constraints = new ArrayList<>();
  @Option(names = "--placement-pref", paramLabel = "PREF", description = "Placement preference: spread=node.labels.<name>") List<String> prefs = new ArrayList<>();
  @Option(names = "--mount", paramLabel = "MOUNT", description = "Attach a filesystem: type=bind|volume|tmpfs,source=…,target=…[,readonly][,tmpfs-size=…]") List<String> mounts = new ArrayList<>();
  @Option(names = "--secret", paramLabel = "SECRET", description = "Give the service a secret at /run/secrets/NAME: NAME or source=NAME[,target=FILE][,uid=N][,gid=N][,mode=0444]") List<String> secrets = new ArrayList<>();
  @Option(names = "--config", paramLabel = "CONFIG", description = "Give the service a config file: NAME or source=NAME[,target=PATH][,uid=N][,gid=N][,mode=0444] (default target /NAME)") List<String> configs = new ArrayList<>();
  @Mixin SpecFlags flags = new SpecFlags();
  @Mixin NetworkFlags net = new NetworkFlags();
  @Option(names = "--log-driver", description = "Logging driver: json-file, local or k8s-file (all the node's log file)") String logDriver;
  @Option(names = "--log-opt", paramLabel = "KEY=VALUE", description = "Log options: max-size=20m, max-file=5 (the defaults)") List<String> logOpts = new ArrayList<>();
  @Mixin SecurityFlags security = new SecurityFlags();
  @Mixin SecurityFlags.Create securityCreate = new SecurityFlags.Create();
  @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge") boolean detach;
  @Option(names = {"-q", "--quiet"}, description = "Suppress progress output") boolean quiet;
  @Parameters(index = "0", paramLabel = "IMAGE", description = "Image to run") String image;
  @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments") List<String> command = new ArrayList<>();

  @Override
  protected int run() throws Exception {
    ServiceSpec.Builder spec = ServiceSpec.newBuilder().setName(name != null ? name : generatedName());
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "replicated" -> spec.setReplicated(ReplicatedService.newBuilder().setReplicas(Replicas.parse(replicas)));
      case "global" -> spec.setGlobal(GlobalService.getDefaultInstance());
      default -> throw new CliException("invalid --mode \"" + mode + "\": use replicated or global", 125);
    }
    for (String l : labels) {
      int eq = l.indexOf('=');
      spec.putLabels(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
    }
    ContainerSpec.Builder c = ContainerSpec.newBuilder().setImage(image).addAllArgs(command)
        .addAllEnv(env).setDir(workdir).setUser(user).setHostname(hostname);
    if (stopGrace != null) c.setStopGracePeriodMs(Durations.parseMillis(stopGrace)).setStopGracePeriodSet(true);
    if (stopSignal != null) c.setStopSignal(stopSignal);
    for (String m : mounts) c.addMounts(MountFlags.parse(m));
    for (String x : secrets) c.addSecrets(SecretFlags.parse("--secret", x));
    for (String x : configs) c.addConfigs(SecretFlags.parse("--config", x));
    security.apply(c);
    securityCreate.apply(c);
    spec.setTask(TaskSpec.newBuilder().setContainer(c).setRestart(restartPolicy(
        RestartPolicy.newBuilder(), restartCondition, restartDelay, restartMaxAttempts)));
    if (logDriver != null || !logOpts.isEmpty()) spec.getTaskBuilder().setLogDriver(LogFlags.parse(logDriver, logOpts));
    spec.getTaskBuilder().getPlacementBuilder().addAllConstraints(constraints);
    for (String p : prefs) spec.getTaskBuilder().getPlacementBuilder().addPreferences(pref(p));
    flags.apply(spec);
    net.apply(spec);
    Service s = client().control().createService(CreateServiceRequest.newBuilder().setSpec(spec).build());
    out().println(s.getId());
    if (!detach) {
      return new ConvergenceProgress(client(), out(), quiet).await(s.getId());
    }
    return 0;
  }

  static RestartPolicy.Builder restartPolicy(RestartPolicy.Builder b, String condition, String delay, Long maxAttempts) {
    if (condition != null) {
      b.setCondition(switch (condition.toLowerCase(Locale.ROOT)) {
        case "any" -> RestartPolicy.Condition.ANY;
        case "on-failure" -> RestartPolicy.Condition.ON_FAILURE;
        case "none" -> RestartPolicy.Condition.NONE;
        default -> throw new CliException("invalid restart condition \"" + condition + "\": use none, on-failure or any", 125);
      });
    }
    if (delay != null) b.setDelayMs(Durations.parseMillis(delay)).setDelaySet(true);
    if (maxAttempts != null) {
      if (maxAttempts < 0) throw new CliException("restart max attempts must not be negative", 125);
      b.setMaxAttempts(maxAttempts);
    }
    return b;
  }

  static PlacementPreference pref(String p) {
    if (!p.startsWith("spread=") || p.length() == "spread=".length()) {
      throw new CliException("invalid --placement-pref \"" + p + "\": use spread=node.labels.<name>", 125);
    }
    return PlacementPreference.newBuilder().setSpread(p.substring("spread=".length())).build();
  }

  private static String generatedName() {
    String[] adj = {"brave", "calm", "eager", "fond", "keen", "quick", "bold", "wise"};
    String[] noun = {"turing", "hopper", "lovelace", "knuth", "ritchie", "liskov", "lamport", "dijkstra"};
    java.util.Random r = new java.util.Random();
    return adj[r.nextInt(adj.length)] + "_" + noun[r.nextInt(noun.length)] + r.nextInt(100);
  }
}
