package io.jswarm.cli.commands;

import io.jswarm.api.CreateNetworkRequest;
import io.jswarm.api.GetNetworkRequest;
import io.jswarm.api.ListNetworksRequest;
import io.jswarm.api.Network;
import io.jswarm.api.NetworkSpec;
import io.jswarm.api.RemoveNetworkRequest;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "network", description = "Manage swarm networks (overlay networks spanning the nodes).",
    subcommands = {NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Inspect.class, NetworkCommand.Rm.class})
public final class NetworkCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "create", description = "Create an overlay network.",
      footer = {"", "Example: jswarm network create -d overlay --subnet 10.0.9.0/24 web"})
  public static final class Create extends ClientCommand {
    @Option(names = {"-d", "--driver"}, description = "Driver (only overlay; default overlay)") String driver = "overlay";
    @Option(names = "--subnet", description = "Subnet in CIDR form (default: the next free /24 of 10.0.0.0/8)") String subnet = "";
    @Option(names = "--gateway", description = "Gateway address in the subnet (default: its first address)") String gateway = "";
    @Option(names = "--attachable", description = "Allow standalone containers to attach") boolean attachable;
    @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", description = "Driver options: mtu=N (encrypted is refused: not implemented yet)") List<String> opts = new ArrayList<>();
    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Network labels") List<String> labels = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Override
    protected int run() {
      NetworkSpec.Builder s = NetworkSpec.newBuilder().setName(name).setDriver(driver).setSubnet(subnet)
          .setGateway(gateway).setAttachable(attachable);
      for (String o : opts) {
        int eq = o.indexOf('=');
        s.putOptions(eq < 0 ? o : o.substring(0, eq), eq < 0 ? "" : o.substring(eq + 1));
      }
      for (String l : labels) {
        int eq = l.indexOf('=');
        s.putLabels(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
      }
      out().println(client().control().createNetwork(CreateNetworkRequest.newBuilder().setSpec(s).build()).getId());
      return 0;
    }
  }

  @Command(name = "ls", aliases = "list", description = "List networks.")
  public static final class Ls extends ClientCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display network IDs") boolean quiet;
    @Option(names = "--format", description = "Output format: json") String format;

    @Override
    protected int run() {
      var r = client().control().listNetworks(ListNetworksRequest.getDefaultInstance());
      if ("json".equals(format)) {
        out().println(Output.json(r));
        return 0;
      }
      if (format != null) throw new CliException("unknown --format \"" + format + "\": use json", 125);
      if (quiet) {
        r.getNetworksList().forEach(n -> out().println(n.getId()));
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Network n : r.getNetworksList()) {
        rows.add(List.of(Output.shortId(n.getId()), n.getSpec().getName(), n.getSpec().getDriver(), "swarm",
            n.getSubnet(), String.valueOf(n.getVni())));
      }
      Output.table(out(), List.of("NETWORK ID", "NAME", "DRIVER", "SCOPE", "SUBNET", "VNI"), rows);
      return 0;
    }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more networks (JSON).")
  public static final class Inspect extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "NETWORK") List<String> refs;

    @Override
    protected int run() {
      List<Network> out = new ArrayList<>();
      for (String r : refs) out.add(client().control().getNetwork(GetNetworkRequest.newBuilder().setRef(r).build()));
      out().println(Output.jsonArray(out));
      return 0;
    }
  }

  @Command(name = "rm", aliases = "remove", description = "Remove one or more networks (refused while a service uses it).")
  public static final class Rm extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "NETWORK") List<String> refs;

    @Override
    protected int run() {
      for (String r : refs) {
        client().control().removeNetwork(RemoveNetworkRequest.newBuilder().setRef(r).build());
        out().println(r);
      }
      return 0;
    }
  }
}
