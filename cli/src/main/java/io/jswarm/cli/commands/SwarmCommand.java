package io.jswarm.cli.commands;

import io.jswarm.api.InfoRequest;
import io.jswarm.api.InitSwarmRequest;
import io.jswarm.api.InitSwarmResponse;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "swarm", description = "Manage the swarm.",
    subcommands = {SwarmCommand.Init.class, SwarmCommand.Join.class, SwarmCommand.JoinToken.class,
        SwarmCommand.Leave.class, SwarmCommand.Update.class, SwarmCommand.Inspect.class, SwarmCa.class})
public final class SwarmCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "init", description = "Initialize a swarm: this node becomes its first manager.")
  public static final class Init extends ClientCommand {
    @Option(names = "--listen-addr", description = "Listen address (HOST:PORT) for the cluster API; default: the daemon's")
    String listenAddr = "";

    @Option(names = "--advertise-addr", description = "Address other nodes reach this manager at; default: the daemon's")
    String advertiseAddr = "";

    @Option(names = "--force-new-cluster", description = "Force create a new cluster from the current state")
    boolean forceNewCluster;

    @Override
    protected int run() {
      InitSwarmResponse r = client().control().initSwarm(InitSwarmRequest.newBuilder()
          .setListenAddr(listenAddr).setAdvertiseAddr(advertiseAddr).setForceNewCluster(forceNewCluster).build());
      out().println("Swarm initialized: current node (" + r.getNodeId() + ") is now a manager.");
      return 0;
    }
  }

  @Command(name = "inspect", description = "Display the swarm's settings.")
  public static final class Inspect extends ClientCommand {
    @Override
    protected int run() {
      var info = client().control().info(InfoRequest.getDefaultInstance());
      if (!info.getSwarmActive()) {
        throw new CliException("Error: This node is not a swarm manager. Use \"jswarm swarm init\" to make it one.");
      }
      out().println(Output.json(info.getCluster()));
      return 0;
    }
  }

  @Command(name = "join", description = "Join a swarm as a worker or a manager (the token says which).")
  public static final class Join extends ClientCommand {
    @Option(names = "--token", required = true, description = "Token for entry into the swarm") String token;
    @Option(names = "--advertise-addr", description = "Advertised address (default: the daemon's)") String advertiseAddr = "";
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "HOST:PORT", description = "Address of a manager") String remote;

    @Override
    protected int run() {
      var r = client().control().withDeadlineAfter(120, java.util.concurrent.TimeUnit.SECONDS).joinSwarm(
          io.jswarm.api.JoinSwarmRequest.newBuilder().setRemoteAddr(remote).setToken(token)
              .setAdvertiseAddr(advertiseAddr).build());
      out().println(r.getRole() == io.jswarm.api.NodeSpec.Role.MANAGER
          ? "This node joined a swarm as a manager." : "This node joined a swarm as a worker.");
      return 0;
    }
  }

  @Command(name = "join-token", description = "Show (or rotate) the token a worker or manager joins with.")
  public static final class JoinToken extends ClientCommand {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "worker|manager") String role;
    @Option(names = {"-q", "--quiet"}, description = "Only display the token") boolean quiet;
    @Option(names = "--rotate", description = "Rotate the token (the old one can no longer join new nodes)") boolean rotate;

    @Override
    protected int run() {
      io.jswarm.api.NodeSpec.Role r = switch (role) {
        case "worker" -> io.jswarm.api.NodeSpec.Role.WORKER;
        case "manager" -> io.jswarm.api.NodeSpec.Role.MANAGER;
        default -> throw new CliException("Error: unknown role " + role + ": use worker or manager", 125);
      };
      String token = client().control().getJoinToken(io.jswarm.api.GetJoinTokenRequest.newBuilder()
          .setRole(r).setRotate(rotate).build()).getToken();
      if (quiet) {
        out().println(token);
        return 0;
      }
      if (rotate) out().println("Successfully rotated " + role + " join token.\n");
      var info = client().control().info(InfoRequest.getDefaultInstance());
      out().println("To add a " + role + " to this swarm, run the following command:\n");
      out().println("    jswarm swarm join --token " + token + " "
          + (info.getAdvertiseAddr().isEmpty() ? info.getListenAddr() : info.getAdvertiseAddr()) + "\n");
      return 0;
    }
  }

  @Command(name = "leave", description = "Leave the swarm; this node's tasks stop.")
  public static final class Leave extends ClientCommand {
    @Option(names = {"-f", "--force"}, description = "Force this node to leave the swarm, ignoring warnings") boolean force;

    @Override
    protected int run() {
      client().control().leaveSwarm(io.jswarm.api.LeaveSwarmRequest.newBuilder().setForce(force).build());
      out().println("Node left the swarm.");
      return 0;
    }
  }

  @Command(name = "update", description = "Update the swarm's settings (applied without restarts).")
  public static final class Update extends ClientCommand {
    @Option(names = "--heartbeat-period", description = "Period of node heartbeats (e.g. 1s)") String heartbeat;
    @Option(names = "--node-down-grace", description = "Missed-heartbeat time after which a node is down (e.g. 3s); overrides --grace-multiplier") String grace;
    @Option(names = "--grace-multiplier", paramLabel = "N", description = "Heartbeat periods a node may miss before it is down (default 3); clears --node-down-grace") Integer graceMultiplier;
    @Option(names = "--unknown-grace-multiplier", paramLabel = "N", description = "After a leader change, nodes are Unknown for N times the down grace before they can be down (default 2)") Integer unknownMultiplier;
    @Option(names = "--election-timeout", description = "Raft election timeout upper bound (e.g. 2s); taken by each manager at its next start") String election;
    @Option(names = "--task-history-limit", description = "Task history retention limit per slot") Long historyLimit;
    @Option(names = "--snapshot-interval", description = "Raft log entries between snapshots") Long snapshotInterval;
    @Option(names = "--dynamic-port-range", paramLabel = "LO-HI", description = "Ports given to published ports without a number (-P, 127.0.0.1::80); default 30000-32767") String portRange;
    @Option(names = "--registry-anonymous-pull", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
        description = "Let clients without credentials pull from the managers' registries when they require a login"
            + " (daemon --registry-htpasswd); pushes and deletes still need one. Default false")
    Boolean anonymousPull;
    @Option(names = "--cert-expiry", description = "Validity period for node certificates issued from now on (e.g. 2160h, 30m); default 90 days."
        + " Nodes renew at 50-80 % of their certificate's life") String certExpiry;

    @Override
    protected int run() {
      var cluster = client().control().info(InfoRequest.getDefaultInstance()).getCluster();
      var spec = cluster.getSpec().toBuilder();
      if (heartbeat != null) {
        long hb = io.jswarm.cli.Durations.parseMillis(heartbeat);
        spec.setHeartbeatPeriodMs(hb);
        // an explicit grace shorter than the new period would be refused; one left unset follows the period
        if (grace == null && spec.getNodeDownGraceMs() != 0 && spec.getNodeDownGraceMs() < 3 * hb) spec.setNodeDownGraceMs(3 * hb);
      }
      if (graceMultiplier != null) spec.setGraceMultiplier(positive("--grace-multiplier", graceMultiplier)).setNodeDownGraceMs(0);
      if (grace != null) spec.setNodeDownGraceMs(io.jswarm.cli.Durations.parseMillis(grace));
      if (unknownMultiplier != null) spec.setUnknownGraceMultiplier(positive("--unknown-grace-multiplier", unknownMultiplier));
      if (election != null) spec.setElectionTimeoutMs(io.jswarm.cli.Durations.parseMillis(election));
      if (historyLimit != null) spec.setTaskHistoryLimit(historyLimit);
      if (snapshotInterval != null) spec.setSnapshotInterval(snapshotInterval);
      if (portRange != null) spec.setDynamicPortRange(portRange.trim());
      if (anonymousPull != null) spec.setRegistryAnonymousPull(anonymousPull);
      if (certExpiry != null) {
        long ms = io.jswarm.cli.Durations.parseMillis(certExpiry);
        if (ms < 60_000) throw new IllegalArgumentException("--cert-expiry must be at least 1m");
        spec.setNodeCertExpiryMs(ms);
      }
      client().control().updateCluster(io.jswarm.api.UpdateClusterRequest.newBuilder()
          .setVersion(cluster.getMeta().getVersion()).setSpec(spec).build());
      out().println("Swarm updated.");
      return 0;
    }

    private static int positive(String flag, int n) {
      if (n < 1) throw new io.jswarm.cli.CliException("Error: " + flag + " must be at least 1");
      return n;
    }
  }
}
