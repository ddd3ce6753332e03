package io.jswarm.cli.commands;

import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.ListTasksResponse;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.cli.Output;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ps", description = "List the tasks of one or more services.")
public final class ServicePs extends ClientCommand {
  @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> services;
  @Option(names = {"-q", "--quiet"}, description = "Only display task IDs") boolean quiet;
  @Option(names = "--format", description = "Output format: json") String format;
  @Option(names = {"-f", "--filter"}, paramLabel = "desired-state=running|shutdown|accepted|remove",
      description = "Filter output (desired-state, node)") List<String> filters = new ArrayList<>();
  @Option(names = "--no-trunc", description = "Do not truncate output") boolean noTrunc;

  @Override
  protected int run() {
    ListTasksRequest.Builder req = ListTasksRequest.newBuilder().addAllServiceRefs(services);
    for (String f : filters) {
      String[] kv = f.split("=", 2);
      if (kv.length != 2) throw new IllegalArgumentException("bad filter \"" + f + "\": use key=value");
      switch (kv[0]) {
        case "desired-state" -> req.addDesiredStates(TaskState.valueOf(kv[1].toUpperCase()));
        case "node" -> req.addNodeRefs(NodeCommand.nodeRef(this, kv[1]));
        default -> throw new IllegalArgumentException("unknown filter \"" + kv[0] + "\": use desired-state or node");
      }
    }
    ListTasksResponse r = client().control().listTasks(req.build());
    List<Task> tasks = new ArrayList<>(r.getTasksList());
    tasks.sort(Comparator.comparing(Task::getServiceName).thenComparingLong(Task::getSlot)
        .thenComparing(Comparator.comparingLong((Task t) -> t.getMeta().getCreatedAtMs()).reversed()));
    if (quiet) {
      tasks.forEach(t -> out().println(t.getId()));
      return 0;
    }
    if ("json".equals(format)) {
      out().println(Output.jsonArray(tasks));
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    String prevSlot = null;
    for (Task t : tasks) {
      // A global service's tasks are named after their node, as in Docker.
      String slot = t.getServiceName() + "." + (t.getSlot() == 0 ? Output.shortId(t.getNodeId()) : t.getSlot());
      // Older tasks of a slot are shown as its history, like docker's " \_ name.1".
      String name = slot.equals(prevSlot) ? " \\_ " + slot : slot;
      prevSlot = slot;
      String err = t.getStatus().getErr();
      if (!noTrunc && err.length() > 120) err = err.substring(0, 119) + "…";
      rows.add(List.of(noTrunc ? t.getId() : Output.shortId(t.getId()), name,
          ImageRefs.display(t.getSpec().getContainer().getImage()),
          r.getNodeNamesOrDefault(t.getNodeId(), ""),
          Output.capitalize(t.getDesiredState().name()),
          Output.capitalize(t.getStatus().getState().name())
              + (t.getStatus().getState() == TaskState.RUNNING && "paused".equals(t.getStatus().getMessage()) ? " (paused)" : "")
              + " " + Output.ago(t.getStatus().getTimestampMs()),
          err,
          String.join(", ", t.getPortsList().stream().map(PortFlags::describe).toList())));
    }
    Output.table(out(), List.of("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS"), rows);
    return 0;
  }
}
