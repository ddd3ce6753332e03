package io.jswarm.cli.commands;

import io.jswarm.api.LogLine;
import io.jswarm.api.ServiceLogsRequest;
import io.jswarm.cli.Output;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = "Fetch the logs of a service's tasks.")
public final class ServiceLogs extends ClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE") String service;
  @Option(names = {"-f", "--follow"}, description = "Follow log output") boolean follow;
  @Option(names = {"-n", "--tail"}, description = "Number of lines to show from the end of the logs (default all)") String tail = "all";
  @Option(names = {"-t", "--timestamps"}, description = "Show timestamps") boolean timestamps;
  @Option(names = "--raw", description = "Do not prefix lines with task names") boolean raw;

  @Override
  protected int run() {
    long n = tail.equals("all") ? -1 : Long.parseLong(tail);
    Iterator<LogLine> it = client().controlNoDeadline().serviceLogs(ServiceLogsRequest.newBuilder()
        .setServiceRef(service).setFollow(follow).setTail(n).setTimestamps(timestamps).build());
    while (it.hasNext()) {
      LogLine l = it.next();
      StringBuilder sb = new StringBuilder();
      if (timestamps) sb.append(Instant.ofEpochSecond(0, l.getTimeNs())).append(' ');
      if (!raw) {
        sb.append(l.getServiceName()).append('.').append(l.getSlot()).append('.')
            .append(Output.shortId(l.getTaskId())).append('@').append(l.getNodeName()).append("    | ");
      }
      PrintStream ps = "stderr".equals(l.getStream()) ? System.err : out();
      ps.println(sb + l.getData().toStringUtf8());
    }
    return 0;
  }
}
