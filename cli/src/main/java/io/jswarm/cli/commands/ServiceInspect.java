package io.jswarm.cli.commands;

import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.Service;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", description = "Display detailed information on one or more services (JSON).")
public final class ServiceInspect extends ClientCommand {
  @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> refs;
  @Option(names = "--pretty", description = "Print the information in a human friendly format") boolean pretty;
  @Option(names = {"-f", "--format"}, description = "Output format: json (the default)") String format;

  @Override
  protected int run() {
    if (format != null && !format.equals("json")) {
      throw new io.jswarm.cli.CliException("unsupported --format \"" + format + "\": use json (or --pretty)", 125);
    }
    if (format != null && pretty) throw new io.jswarm.cli.CliException("--format and --pretty cannot be combined", 125);
    List<Service> out = new ArrayList<>();
    for (String r : refs) out.add(client().control().getService(GetServiceRequest.newBuilder().setRef(r).build()));
    if (!pretty) {
      out().println(Output.jsonArray(out));
      return 0;
    }
    for (Service s : out) {
      var c = s.getSpec().getTask().getContainer();
      out().println("ID:\t\t" + s.getId());
      out().println("Name:\t\t" + s.getSpec().getName());
      if (s.getSpec().hasGlobal()) {
        out().println("Mode:\t\tGlobal");
      } else {
        out().println("Mode:\t\tReplicated");
        out().println(" Replicas:\t" + s.getSpec().getReplicated().getReplicas());
      }
      if (s.hasUpdateStatus()) {
        out().println("UpdateStatus:");
        out().println(" State:\t\t" + s.getUpdateStatus().getState().name().toLowerCase());
        out().println(" Message:\t" + s.getUpdateStatus().getMessage());
      }
      var p = s.getSpec().getTask().getPlacement();
      if (p.getConstraintsCount() > 0) out().println("Placement:\n Constraints:\t" + p.getConstraintsList());
      out().println("Revision:\t" + s.getRevision());
      out().println("Image:\t\t" + c.getImage());
      if (c.getArgsCount() > 0) out().println("Args:\t\t" + String.join(" ", c.getArgsList()));
      if (c.getEnvCount() > 0) out().println("Env:\t\t" + String.join(" ", c.getEnvList()));
      out().println("Version:\t" + s.getMeta().getVersion());
    }
    return 0;
  }
}
