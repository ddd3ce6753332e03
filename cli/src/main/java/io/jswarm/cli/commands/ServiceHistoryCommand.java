package io.jswarm.cli.commands;

import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.Service;
import io.jswarm.api.SpecRevision;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", description = "List the kept revisions of a service's spec (newest last); \"service rollback --to-version N\" returns to one.")
public final class ServiceHistoryCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE") String ref;
  @Option(names = "--format", description = "Output format: json") String format;

  @Override
  protected int run() {
    Service s = client().control().getService(GetServiceRequest.newBuilder().setRef(ref).build());
    if ("json".equals(format)) {
      out().println(Output.jsonArray(s.getHistoryList()));
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (SpecRevision r : s.getHistoryList()) {
      var c = r.getSpec().getTask().getContainer();
      String mode = r.getSpec().hasGlobal() ? "global" : "replicated " + r.getSpec().getReplicated().getReplicas();
      rows.add(List.of(String.valueOf(r.getRevision()) + (r.getRevision() == s.getRevision() ? " (current)" : ""),
          r.getAtMs() == 0 ? "" : Output.ago(r.getAtMs()), ImageRefs.display(c.getImage()), mode,
          String.join(" ", c.getArgsList())));
    }
    Output.table(out(), List.of("VERSION", "CHANGED", "IMAGE", "MODE", "ARGS"), rows);
    return 0;
  }
}
