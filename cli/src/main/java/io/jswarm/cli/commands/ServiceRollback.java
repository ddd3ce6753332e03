package io.jswarm.cli.commands;

import io.jswarm.api.RollbackServiceRequest;
import io.jswarm.api.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rollback", description = "Revert changes to a service's configuration: to the previous spec, or to any kept revision (see \"service history\").")
public final class ServiceRollback extends ClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE") String ref;
  @Option(names = "--to-version", paramLabel = "N", description = "Revision to return to (default: the previous one)") long toVersion;
  @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge") boolean detach;
  @Option(names = {"-q", "--quiet"}, description = "Suppress progress output") boolean quiet;

  @Override
  protected int run() throws Exception {
    if (toVersion < 0) throw new io.jswarm.cli.CliException("--to-version must not be negative", 125);
    Service s = client().control().rollbackService(RollbackServiceRequest.newBuilder().setRef(ref).setToRevision(toVersion).build());
    out().println(s.getSpec().getName());
    if (!detach) return new ConvergenceProgress(client(), out(), quiet).await(s.getId());
    return 0;
  }
}
