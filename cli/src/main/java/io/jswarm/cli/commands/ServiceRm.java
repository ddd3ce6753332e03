package io.jswarm.cli.commands;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.RemoveServiceRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rm", aliases = "remove", description = "Remove one or more services.")
public final class ServiceRm extends ClientCommand {
  @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> refs;

  @Override
  protected int run() {
    int rc = 0;
    for (String r : refs) {
      try {
        client().control().removeService(RemoveServiceRequest.newBuilder().setRef(r).build());
        out().println(r);
      } catch (StatusRuntimeException e) {
        System.err.println(client().describe(e));
        rc = 1;
      }
    }
    return rc;
  }
}
