package io.jswarm.cli.commands;

import io.jswarm.api.ListServicesRequest;
import io.jswarm.api.ListServicesResponse;
import io.jswarm.api.Service;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ls", aliases = "list", description = "List services.")
public final class ServiceLs extends ClientCommand {
  @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
  @Option(names = "--format", description = "Output format: json") String format;

  @Override
  protected int run() {
    ListServicesResponse r = client().control().listServices(ListServicesRequest.getDefaultInstance());
    List<Service> services = new ArrayList<>(r.getServicesList());
    services.sort((a, b) -> a.getSpec().getName().compareTo(b.getSpec().getName()));
    if (quiet) {
      services.forEach(s -> out().println(s.getId()));
      return 0;
    }
    if ("json".equals(format)) {
      out().println(Output.json(r));
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Service s : services) {
      rows.add(List.of(Output.shortId(s.getId()), s.getSpec().getName(),
          s.getSpec().hasReplicated() ? "replicated" : "global",
          r.getRunningOrDefault(s.getId(), 0) + "/" + r.getDesiredOrDefault(s.getId(), 0),
          ImageRefs.display(s.getSpec().getTask().getContainer().getImage()),
          // As in Docker: the routing mesh's ports, as allocated (a dynamic one shows its number).
          String.join(", ", s.getEndpoint().getPortsList().stream()
              .filter(p -> p.getPublishMode() == io.jswarm.api.PortConfig.PublishMode.INGRESS).map(PortFlags::describe).toList())));
    }
    Output.table(out(), List.of("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"), rows);
    return 0;
  }
}
