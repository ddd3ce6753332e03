package io.jswarm.cli.commands;

import io.jswarm.api.ContainerInfo;
import io.jswarm.api.ContainerLogsRequest;
import io.jswarm.api.ContainerRef;
import io.jswarm.api.ListContainersRequest;
import io.jswarm.api.LogLine;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "container", description = "Manage the containers of the node the CLI talks to.",
    subcommands = {ContainerCommand.Ls.class, ContainerCommand.Inspect.class, ContainerCommand.Logs.class,
        ContainerCommand.Pause.class, ContainerCommand.Unpause.class})
public final class ContainerCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "ls", aliases = "ps", description = "List containers (running and paused; -a for all).")
  public static final class Ls extends ClientCommand {
    @Option(names = {"-a", "--all"}, description = "Show all containers (default shows just running)") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only display container IDs") boolean quiet;
    @Option(names = "--format", description = "Output format: json") String format;

    @Override
    protected int run() {
      List<ContainerInfo> cs = client().nodeLocal().listContainers(ListContainersRequest.newBuilder().setAll(all).build())
          .getContainersList();
      if (quiet) {
        cs.forEach(c -> out().println(c.getId()));
        return 0;
      }
      if ("json".equals(format)) {
        out().println(Output.jsonArray(cs));
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (ContainerInfo c : cs) {
        String name = c.getLabelsOrDefault("io.jswarm.service.name", "");
        rows.add(List.of(Output.shortId(c.getId()), Output.shortId(c.getImageId().replace("sha256:", "")),
            Output.ago(c.getCreatedMs()), c.getStatus() + (c.getStatus().equals("stopped") ? " (" + c.getExitCode() + ")"
                : c.getHealth().isEmpty() ? "" : " (" + c.getHealth() + ")"),
            name));
      }
      Output.table(out(), List.of("CONTAINER ID", "IMAGE", "CREATED", "STATUS", "SERVICE"), rows);
      return 0;
    }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more containers (JSON).")
  public static final class Inspect extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "CONTAINER") List<String> refs;

    @Override
    protected int run() {
      List<ContainerInfo> out = new ArrayList<>();
      for (String r : refs) out.add(client().nodeLocal().inspectContainer(ContainerRef.newBuilder().setRef(r).build()));
      out().println(Output.jsonArray(out));
      return 0;
    }
  }

  @Command(name = "logs", description = "Fetch the logs of a container.")
  public static final class Logs extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CONTAINER") String ref;
    @Option(names = {"-f", "--follow"}, description = "Follow log output") boolean follow;
    @Option(names = {"-n", "--tail"}, description = "Number of lines to show from the end (default all)") long tail = -1;

    @Override
    protected int run() {
      String id = client().nodeLocal().inspectContainer(ContainerRef.newBuilder().setRef(ref).build()).getId();
      Iterator<LogLine> it = client().engineNoDeadline().containerLogs(
          ContainerLogsRequest.newBuilder().setContainerId(id).setFollow(follow).setTail(tail).build());
      while (it.hasNext()) {
        LogLine l = it.next();
        (l.getStream().equals("stderr") ? System.err : out()).println(l.getData().toStringUtf8());
      }
      return 0;
    }
  }

  @Command(name = "pause", description = "Pause all processes within one or more containers (freezer cgroup).")
  public static final class Pause extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "CONTAINER") List<String> refs;

    @Override
    protected int run() {
      for (String r : refs) out().println(client().nodeLocal().pauseContainer(ContainerRef.newBuilder().setRef(r).build()).getId());
      return 0;
    }
  }

  @Command(name = "unpause", description = "Unpause all processes within one or more containers.")
  public static final class Unpause extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "CONTAINER") List<String> refs;

    @Override
    protected int run() {
      for (String r : refs) out().println(client().nodeLocal().unpauseContainer(ContainerRef.newBuilder().setRef(r).build()).getId());
      return 0;
    }
  }
}
