package io.jswarm.cli.commands;

import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Client;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shows a service converging, like {@code docker service create} without {@code --detach}:
 * "overall progress: 2 out of 3 tasks" and a line per slot, until every slot runs a task of the
 * current spec. On a terminal the block is redrawn in place; otherwise a line is printed only
 * when something changed.
 */
final class ConvergenceProgress {
  private static final long POLL_MS = 100;
  private final Client client;
  private final PrintStream out;
  private final boolean quiet;
  private final boolean tty = System.console() != null;
  private int drawn;

  ConvergenceProgress(Client client, PrintStream out, boolean quiet) {
    this.client = client;
    this.out = out;
    this.quiet = quiet;
  }

  int await(String serviceId) throws InterruptedException {
    String last = null;
    long deadline = System.currentTimeMillis() + 10 * 60_000L;
    while (System.currentTimeMillis() < deadline) {
      Service s = client.control().getService(GetServiceRequest.newBuilder().setRef(serviceId).build());
      List<Task> tasks = client.control().listTasks(ListTasksRequest.newBuilder().addServiceRefs(serviceId).build()).getTasksList();
      boolean global = s.getSpec().hasGlobal();
      // Global services have one task per node (slot 0), replicated ones one per slot.
      Map<String, Task> current = new TreeMap<>();
      for (Task t : tasks) {
        if (t.getDesiredState() != TaskState.RUNNING || t.getSpecVersion() != s.getSpecVersion()) continue;
        String key = global ? t.getNodeId() : String.format("%08d", t.getSlot());
        Task prev = current.get(key);
        if (prev == null || t.getMeta().getCreatedAtMs() > prev.getMeta().getCreatedAtMs()) current.put(key, t);
      }
      long replicas = global ? current.size() : s.getSpec().getReplicated().getReplicas();
      List<String> keys = new ArrayList<>(current.keySet());
      long running = current.values().stream().filter(t -> t.getStatus().getState() == TaskState.RUNNING).count();
      long stale = tasks.stream().filter(t -> t.getSpecVersion() != s.getSpecVersion()
          && t.getStatus().getState().getNumber() <= TaskState.RUNNING.getNumber()
          && t.getDesiredState().getNumber() > TaskState.RUNNING.getNumber()).count();
      List<String> lines = new ArrayList<>();
      lines.add("overall progress: " + running + " out of " + replicas + " tasks");
      for (long slot = 1; slot <= replicas; slot++) {
        Task t = global ? current.get(keys.get((int) slot - 1)) : current.get(String.format("%08d", slot));
        String state = t == null ? "new" : t.getStatus().getState().name().toLowerCase();
        String err = t == null ? "" : t.getStatus().getErr();
        lines.add(slot + "/" + replicas + ": " + state + " " + bar(t) + (err.isEmpty() ? "" : " " + err));
      }
      String block = String.join("\n", lines);
      if (!quiet && !block.equals(last)) {
        draw(lines);
        last = block;
      }
      var update = s.getUpdateStatus();
      if (update.getState() == io.jswarm.api.UpdateStatus.State.PAUSED
          || update.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_PAUSED) {
        throw new CliException("update paused: " + update.getMessage() + "; see \"jswarm service ps " + serviceId
            + "\", then \"jswarm service update\" again or \"jswarm service rollback\"");
      }
      if (running == replicas && stale == 0) {
        if (!quiet && update.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_STARTED
            || update.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_COMPLETED) {
          if (!quiet) out.println("rollback: " + update.getMessage());
        }
        if (!quiet) out.println("verify: Service converged");
        return 0;
      }
      Thread.sleep(POLL_MS);
    }
    throw new CliException("service " + serviceId + " did not converge within 10 minutes; see \"jswarm service ps " + serviceId + "\"");
  }

  private void draw(List<String> lines) {
    if (tty && drawn > 0) out.print("\033[" + drawn + "A");
    for (String l : lines) out.println(tty ? l + "\033[K" : l);
    drawn = lines.size();
    out.flush();
  }

  private static String bar(Task t) {
    TaskState[] steps = {TaskState.NEW, TaskState.PENDING, TaskState.ASSIGNED, TaskState.ACCEPTED,
        TaskState.PREPARING, TaskState.STARTING, TaskState.RUNNING};
    int done = 0;
    if (t != null) {
      for (int i = 0; i < steps.length; i++) if (t.getStatus().getState().getNumber() >= steps[i].getNumber()) done = i + 1;
    }
    int width = 28;
    int fill = width * done / steps.length;
    return "[" + "=".repeat(Math.max(0, fill - 1)) + (fill > 0 ? ">" : "") + " ".repeat(width - fill) + "]";
  }

}
