package io.jswarm.cli.commands;

import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Client;
import java.io.PrintStream;
import java.util.List;

/**
 * Shows a service converging, like {@code docker service create} without {@code --detach}:
 * "overall progress: 2 out of 3 tasks" and a line per slot, until every slot runs a task of the
 * current spec or ended one its restart policy does not restart ({@link ConvergenceView}). On a
 * terminal the block is redrawn in place; otherwise a line is printed only when something changed.
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
      ConvergenceView view = ConvergenceView.of(s, tasks);
      String block = String.join("\n", view.lines());
      if (!quiet && !block.equals(last)) {
        draw(view.lines());
        last = block;
      }
      var update = s.getUpdateStatus();
      if (update.getState() == io.jswarm.api.UpdateStatus.State.PAUSED
          || update.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_PAUSED) {
        throw new CliException("update paused: " + update.getMessage() + "; see \"jswarm service ps " + serviceId
            + "\", then \"jswarm service update\" again or \"jswarm service rollback\"");
      }
      if (view.settled()) {
        if (!quiet && update.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_STARTED
            || update.getState() == io.jswarm.api.UpdateStatus.State.ROLLBACK_COMPLETED) {
          if (!quiet) out.println("rollback: " + update.getMessage());
        }
        if (!view.failed().isEmpty()) {
          throw new CliException("verify: " + view.failed().size() + " task(s) ended in failure and the restart policy"
              + " does not restart them (" + String.join("; ", view.failed()) + "); see \"jswarm service ps " + serviceId + "\"");
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
}
