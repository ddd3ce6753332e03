package io.jswarm.cli.commands;

import io.jswarm.api.ListVolumesRequest;
import io.jswarm.api.VolumeInfo;
import io.jswarm.api.VolumeRef;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "volume", description = "Manage the named volumes of the node the CLI talks to.",
    subcommands = {VolumeCommand.Create.class, VolumeCommand.Ls.class, VolumeCommand.Inspect.class, VolumeCommand.Rm.class})
public final class VolumeCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "create", description = "Create a volume.")
  public static final class Create extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Override
    protected int run() {
      out().println(client().nodeLocal().createVolume(VolumeRef.newBuilder().setName(name).build()).getName());
      return 0;
    }
  }

  @Command(name = "ls", aliases = "list", description = "List volumes.")
  public static final class Ls extends ClientCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display volume names") boolean quiet;

    @Override
    protected int run() {
      List<VolumeInfo> vs = client().nodeLocal().listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesList();
      if (quiet) {
        vs.forEach(v -> out().println(v.getName()));
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (VolumeInfo v : vs) rows.add(List.of("local", v.getName(), String.valueOf(v.getUsedByCount())));
      Output.table(out(), List.of("DRIVER", "VOLUME NAME", "CONTAINERS"), rows);
      return 0;
    }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more volumes (JSON).")
  public static final class Inspect extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "VOLUME") List<String> names;

    @Override
    protected int run() {
      List<VolumeInfo> out = new ArrayList<>();
      for (String n : names) out.add(client().nodeLocal().inspectVolume(VolumeRef.newBuilder().setName(n).build()));
      out().println(Output.jsonArray(out));
      return 0;
    }
  }

  @Command(name = "rm", aliases = "remove", description = "Remove one or more volumes (refused while a container uses it).")
  public static final class Rm extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "VOLUME") List<String> names;

    @Override
    protected int run() {
      for (String n : names) out().println(client().nodeLocal().removeVolume(VolumeRef.newBuilder().setName(n).build()).getName());
      return 0;
    }
  }
}
