package io.jswarm.cli.commands;

import io.jswarm.api.GetNodeRequest;
import io.jswarm.api.InfoRequest;
import io.jswarm.api.ListNodesRequest;
import io.jswarm.api.Node;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "node", description = "Manage swarm nodes.",
    subcommands = {NodeCommand.Ls.class, NodeCommand.Inspect.class})
public final class NodeCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "ls", aliases = "list", description = "List nodes in the swarm.")
  public static final class Ls extends ClientCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Option(names = "--format", description = "Output format: json") String format;

    @Override
    protected int run() {
      List<Node> nodes = client().control().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList();
      if (quiet) {
        nodes.forEach(n -> out().println(n.getId()));
        return 0;
      }
      if ("json".equals(format)) {
        out().println(Output.jsonArray(nodes));
        return 0;
      }
      String self = client().control().info(InfoRequest.getDefaultInstance()).getNodeId();
      List<List<String>> rows = new ArrayList<>();
      for (Node n : nodes) {
        String manager = !n.hasManagerStatus() ? ""
            : n.getManagerStatus().getLeader() ? "Leader" : Output.capitalize(n.getManagerStatus().getReachability().name());
        rows.add(List.of(n.getId() + (n.getId().equals(self) ? " *" : ""), n.getSpec().getName(),
            Output.capitalize(n.getStatus().getState().name()), Output.capitalize(n.getSpec().getAvailability().name()),
            manager, n.getDescription().getEngineVersion()));
      }
      Output.table(out(), List.of("ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"), rows);
      return 0;
    }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more nodes (JSON).")
  public static final class Inspect extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "NODE", description = "Node id, id prefix, name, or 'self'") List<String> refs;

    @Override
    protected int run() {
      List<Node> out = new ArrayList<>();
      for (String r : refs) {
        String ref = r.equals("self") ? client().control().info(InfoRequest.getDefaultInstance()).getNodeId() : r;
        out.add(client().control().getNode(GetNodeRequest.newBuilder().setRef(ref).build()));
      }
      out().println(Output.jsonArray(out));
      return 0;
    }
  }
}
