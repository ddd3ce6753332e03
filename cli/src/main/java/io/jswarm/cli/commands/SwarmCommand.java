package io.jswarm.cli.commands;

import io.jswarm.api.InfoRequest;
import io.jswarm.api.InitSwarmRequest;
import io.jswarm.api.InitSwarmResponse;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "swarm", description = "Manage the swarm.",
    subcommands = {SwarmCommand.Init.class, SwarmCommand.Inspect.class})
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
}
