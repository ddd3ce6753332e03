package io.jswarm.cli.commands;

import io.jswarm.api.InfoRequest;
import io.jswarm.api.InfoResponse;
import io.jswarm.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "info", description = "Display system-wide information.")
public final class InfoCommand extends ClientCommand {
  @Option(names = "--format", description = "Output format: json") String format;

  @Override
  protected int run() {
    InfoResponse i = client().control().info(InfoRequest.getDefaultInstance());
    if ("json".equals(format)) {
      out().println(Output.json(i));
      return 0;
    }
    out().println("Server Version: " + i.getVersion());
    out().println("Containers running: " + i.getContainersRunning());
    out().println("Images: " + i.getImages());
    out().println("Data Root: " + i.getDataRoot());
    out().println("Swarm: " + (i.getSwarmActive() ? "active" : "inactive"));
    out().println(" NodeID: " + i.getNodeId());
    out().println(" Node Name: " + i.getNodeName());
    if (i.getSwarmActive()) {
      out().println(" Is Manager: " + i.getIsManager());
      out().println(" ClusterID: " + i.getClusterId());
      out().println(" Managers: " + i.getManagers());
      out().println(" Nodes: " + i.getNodes());
      out().println(" Leader: " + i.getLeaderNodeId());
      out().println(" Listen Address: " + i.getListenAddr());
      if (!i.getRegistryAddr().isEmpty()) out().println(" Registry: " + i.getRegistryAddr());
      var c = i.getCluster().getSpec();
      out().println(" Heartbeat Period: " + Output.humanDuration(c.getHeartbeatPeriodMs()));
      // unset multipliers mean the defaults of the manager's HeartbeatSettings (3 and 2)
      out().println(" Node Down Grace: " + (c.getNodeDownGraceMs() > 0 ? Output.humanDuration(c.getNodeDownGraceMs())
          : (c.getGraceMultiplier() > 0 ? c.getGraceMultiplier() : 3) + " heartbeat periods"));
      out().println(" Unknown Grace After Leader Change: " + (c.getUnknownGraceMultiplier() > 0 ? c.getUnknownGraceMultiplier() : 2)
          + " x node down grace");
      out().println(" Task History Retention Limit: " + c.getTaskHistoryLimit());
      out().println(" Registry Anonymous Pull: " + c.getRegistryAnonymousPull());
    }
    return 0;
  }
}
