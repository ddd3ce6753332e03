package io.jswarm.manager.control;

import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.ListTasksResponse;
import io.jswarm.api.LogLine;
import io.jswarm.api.Node;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceLogsRequest;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.grpc.stub.ServerCallStreamObserver;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Tasks: the filtered list behind {@code service ps} / {@code node ps}, and service logs from the tasks' nodes. */
final class TaskApi {
  private final ControlContext ctx;
  private final LogFanIn logs;

  TaskApi(ControlContext ctx) {
    this.ctx = ctx;
    this.logs = new LogFanIn(ctx.node::dialNode);
  }

  ListTasksResponse list(ListTasksRequest req) throws Exception {
    RaftStore s = ctx.readStore();
    return s.read(v -> {
      Set<String> services = new HashSet<>();
      for (String ref : req.getServiceRefsList()) {
        services.add(Refs.resolveUnchecked("service", ref, v.services(), Service::getId, x -> x.getSpec().getName()).getId());
      }
      Set<String> nodes = new HashSet<>();
      for (String ref : req.getNodeRefsList()) {
        nodes.add(Refs.resolveUnchecked("node", ref, v.nodes(), Node::getId, n -> n.getSpec().getName()).getId());
      }
      Set<TaskState> states = new HashSet<>(req.getDesiredStatesList());
      Map<String, String> names = new HashMap<>();
      for (Node n : v.nodes()) names.put(n.getId(), n.getSpec().getName());
      ListTasksResponse.Builder b = ListTasksResponse.newBuilder().putAllNodeNames(names);
      for (Task t : candidates(v, services, nodes)) {
        if (!services.isEmpty() && !services.contains(t.getServiceId())) continue;
        if (!nodes.isEmpty() && !nodes.contains(t.getNodeId())) continue;
        if (!states.isEmpty() && !states.contains(t.getDesiredState())) continue;
        b.addTasks(t);
      }
      return b.build();
    });
  }

  /** The tasks of the named services (or nodes) from the store's indexes; every task only when unfiltered. */
  private static List<Task> candidates(StoreView v, Set<String> services, Set<String> nodes) {
    if (!services.isEmpty()) {
      List<Task> out = new java.util.ArrayList<>();
      for (String id : services) out.addAll(v.tasksByService(id));
      out.sort(java.util.Comparator.comparing(Task::getId));
      return out;
    }
    if (!nodes.isEmpty()) {
      List<Task> out = new java.util.ArrayList<>();
      for (String id : nodes) out.addAll(v.tasksByNode(id));
      out.sort(java.util.Comparator.comparing(Task::getId));
      return out;
    }
    return v.tasks();
  }

  void logs(ServiceLogsRequest req, ServerCallStreamObserver<LogLine> out) throws Exception {
    RaftStore s = ctx.store();
    Service svc = ServiceApi.resolve(s, req.getServiceRef());
    Map<String, Node> nodes = new HashMap<>();
    for (Node n : s.read(StoreView::nodes)) nodes.put(n.getId(), n);
    List<Task> tasks = s.read(v -> v.tasksByService(svc.getId())).stream()
        .filter(t -> !t.getNodeId().isEmpty()
            && t.getStatus().getState().getNumber() >= TaskState.STARTING.getNumber())
        .toList();
    logs.stream(tasks, nodes, req, out);
  }
}
