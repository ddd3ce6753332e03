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
    subcommands = {NodeCommand.Ls.class, NodeCommand.Inspect.class, NodeCommand.Promote.class,
        NodeCommand.Demote.class, NodeCommand.Rm.class, NodeCommand.Update.class, NodeCommand.Ps.class})
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
        out.add(client().control().getNode(GetNodeRequest.newBuilder().setRef(nodeRef(this, r)).build()));
      }
      out().println(Output.jsonArray(out));
      return 0;
    }
  }

  /** What the user typed for a node, with {@code self} (as in Docker) the node of the daemon this command talks to. */
  static String nodeRef(ClientCommand c, String ref) {
    return "self".equals(ref) ? c.client().control().info(InfoRequest.getDefaultInstance()).getNodeId() : ref;
  }

  /** Reads a node, changes its spec, writes it back with the version read. */
  abstract static class SpecChange extends ClientCommand {
    protected void change(String ref, java.util.function.UnaryOperator<io.jswarm.api.NodeSpec> f) throws Exception {
      String id = nodeRef(this, ref);
      retryOutOfSequence(() -> {
        Node n = client().control().getNode(GetNodeRequest.newBuilder().setRef(id).build());
        return client().control().updateNode(io.jswarm.api.UpdateNodeRequest.newBuilder().setNodeRef(n.getId())
            .setVersion(n.getMeta().getVersion()).setSpec(f.apply(n.getSpec())).build());
      });
    }
  }

  @Command(name = "promote", description = "Promote one or more nodes to manager in the swarm.")
  public static final class Promote extends SpecChange {
    @Parameters(arity = "1..*", paramLabel = "NODE") List<String> refs;

    @Override
    protected int run() throws Exception {
      for (String r : refs) {
        change(r, s -> s.toBuilder().setDesiredRole(io.jswarm.api.NodeSpec.Role.MANAGER).build());
        out().println("Node " + r + " promoted to a manager in the swarm.");
      }
      return 0;
    }
  }

  @Command(name = "demote", description = "Demote one or more nodes from manager in the swarm.")
  public static final class Demote extends SpecChange {
    @Parameters(arity = "1..*", paramLabel = "NODE") List<String> refs;

    @Override
    protected int run() throws Exception {
      for (String r : refs) {
        change(r, s -> s.toBuilder().setDesiredRole(io.jswarm.api.NodeSpec.Role.WORKER).build());
        out().println("Manager " + r + " demoted in the swarm.");
      }
      return 0;
    }
  }

  @Command(name = "update", description = "Update a node: availability and labels.")
  public static final class Update extends SpecChange {
    @Parameters(index = "0", paramLabel = "NODE") String ref;
    @Option(names = "--availability", description = "active, pause or drain") String availability;
    @Option(names = "--label-add", paramLabel = "KEY=VALUE", description = "Add or update a node label") List<String> labelAdd = new ArrayList<>();
    @Option(names = "--label-rm", paramLabel = "KEY", description = "Remove a node label") List<String> labelRm = new ArrayList<>();

    @Override
    protected int run() throws Exception {
      io.jswarm.api.NodeSpec.Availability a = null;
      if (availability != null) {
        a = switch (availability) {
          case "active" -> io.jswarm.api.NodeSpec.Availability.ACTIVE;
          case "pause" -> io.jswarm.api.NodeSpec.Availability.PAUSE;
          case "drain" -> io.jswarm.api.NodeSpec.Availability.DRAIN;
          default -> throw new io.jswarm.cli.CliException("invalid availability \"" + availability + "\": use active, pause or drain", 125);
        };
      }
      for (String l : labelAdd) {
        if (l.isEmpty() || l.startsWith("=")) throw new io.jswarm.cli.CliException("invalid label \"" + l + "\": use KEY=VALUE", 125);
      }
      io.jswarm.api.NodeSpec.Availability av = a;
      change(ref, s -> {
        var b = s.toBuilder();
        if (av != null) b.setAvailability(av);
        for (String k : labelRm) b.removeLabels(k);
        for (String l : labelAdd) {
          int eq = l.indexOf('=');
          b.putLabels(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        return b.build();
      });
      out().println(ref);
      return 0;
    }
  }

  @Command(name = "rm", aliases = "remove", description = "Remove one or more nodes from the swarm.")
  public static final class Rm extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "NODE") List<String> refs;
    @Option(names = {"-f", "--force"}, description = "Force remove a node from the swarm") boolean force;

    @Override
    protected int run() {
      for (String r : refs) {
        client().control().removeNode(io.jswarm.api.RemoveNodeRequest.newBuilder().setRef(nodeRef(this, r)).setForce(force).build());
        out().println(r);
      }
      return 0;
    }
  }

  @Command(name = "ps", description = "List tasks running on one or more nodes (default: this node).")
  public static final class Ps extends ClientCommand {
    @Parameters(arity = "0..*", paramLabel = "NODE") List<String> refs = new ArrayList<>();
    @Option(names = "--format", description = "Output format: json") String format;

    @Override
    protected int run() {
      List<String> nodes = new ArrayList<>();
      if (refs.isEmpty()) nodes.add(client().control().info(InfoRequest.getDefaultInstance()).getNodeId());
      for (String r : refs) nodes.add(nodeRef(this, r));
      var resp = client().control().listTasks(io.jswarm.api.ListTasksRequest.newBuilder().addAllNodeRefs(nodes).build());
      if ("json".equals(format)) {
        out().println(Output.jsonArray(resp.getTasksList()));
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (var t : resp.getTasksList()) {
        rows.add(List.of(Output.shortId(t.getId()), t.getServiceName() + "." + t.getSlot(),
            ImageRefs.display(t.getSpec().getContainer().getImage()), resp.getNodeNamesOrDefault(t.getNodeId(), ""),
            Output.capitalize(t.getDesiredState().name()),
            Output.capitalize(t.getStatus().getState().name()) + " " + Output.ago(t.getStatus().getTimestampMs()),
            t.getStatus().getErr()));
      }
      Output.table(out(), List.of("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR"), rows);
      return 0;
    }
  }
}
