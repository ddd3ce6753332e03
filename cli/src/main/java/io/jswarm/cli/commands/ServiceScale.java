package io.jswarm.cli.commands;

import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.Service;
import io.jswarm.api.UpdateServiceRequest;
import io.jswarm.cli.CliException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scale", description = "Scale one or more replicated services: SERVICE=REPLICAS ...")
public final class ServiceScale extends ClientCommand {
  @Parameters(arity = "1..*", paramLabel = "SERVICE=REPLICAS") List<String> pairs;
  @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge") boolean detach;

  @Override
  protected int run() throws Exception {
    // Check every pair before changing anything: a typo in the second pair must not leave the first scaled.
    for (String p : pairs) {
      if (p.indexOf('=') <= 0) throw new CliException("invalid scale specifier \"" + p + "\": use SERVICE=REPLICAS", 125);
      Replicas.parse(p.substring(p.indexOf('=') + 1));
    }
    int rc = 0;
    for (String p : pairs) {
      String name = p.substring(0, p.indexOf('='));
      long n = Replicas.parse(p.substring(p.indexOf('=') + 1));
      Service s = retryOutOfSequence(() -> {
        Service cur = client().control().getService(GetServiceRequest.newBuilder().setRef(name).build());
        var spec = cur.getSpec().toBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(n)).build();
        client().control().updateService(UpdateServiceRequest.newBuilder()
            .setServiceId(cur.getId()).setVersion(cur.getMeta().getVersion()).setSpec(spec).build());
        return cur;
      });
      out().println(name + " scaled to " + n);
      if (!detach) rc |= new ConvergenceProgress(client(), out(), false).await(s.getId());
    }
    return rc;
  }
}
