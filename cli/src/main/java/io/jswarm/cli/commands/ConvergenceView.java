package io.jswarm.cli.commands;

import io.jswarm.api.Service;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One look at a converging service, as a pure function of the service and its tasks: the lines
 * {@link ConvergenceProgress} draws and whether there is anything left to wait for.
 *
 * <p>A slot is settled when its task of the current spec runs, or when that task ended and the
 * orchestrator left the slot empty: it marks an ended task's desired state SHUTDOWN and, in the
 * same write, creates its replacement if the restart policy asks for one. So an ended task with no
 * live successor is final (restart condition none, on-failure after a clean exit, attempts used
 * up), while one still desired RUNNING has not been judged yet. Waiting only for RUNNING hung
 * forever on a short task with {@code --restart-condition none}.
 *
 * @param lines the progress block: "overall progress: …" and a line per slot
 * @param settled true when every slot is settled and no task of an older spec is still up
 * @param failed the ended slots whose task failed or was rejected ("slot: error"), when settled
 */
record ConvergenceView(List<String> lines, boolean settled, List<String> failed) {

  static ConvergenceView of(Service s, List<Task> tasks) {
    boolean global = s.getSpec().hasGlobal();
    // Global services have one task per node (slot 0), replicated ones one per slot.
    Map<String, Task> live = new TreeMap<>();
    Map<String, Task> newest = new TreeMap<>();
    for (Task t : tasks) {
      if (t.getSpecVersion() != s.getSpecVersion() || t.getDesiredState() == TaskState.REMOVE) continue;
      String key = global ? t.getNodeId() : String.format("%08d", t.getSlot());
      if (global && key.isEmpty()) continue;
      if (t.getDesiredState() == TaskState.RUNNING) newer(live, key, t);
      newer(newest, key, t);
    }
    List<String> keys = new ArrayList<>(global ? newest.keySet() : List.of());
    long replicas = global ? keys.size() : s.getSpec().getReplicated().getReplicas();
    long running = 0;
    long ended = 0;
    List<String> failed = new ArrayList<>();
    List<String> slotLines = new ArrayList<>();
    for (long slot = 1; slot <= replicas; slot++) {
      String key = global ? keys.get((int) slot - 1) : String.format("%08d", slot);
      Task t = live.get(key);
      boolean isEnded = false;
      if (t == null) {
        Task last = newest.get(key);
        if (last != null && TaskStates.isTerminal(last.getStatus().getState())) {
          t = last;
          isEnded = true;
        }
      }
      if (t != null && t.getStatus().getState() == TaskState.RUNNING && !isEnded) running++;
      if (isEnded) {
        ended++;
        if (t.getStatus().getState() != TaskState.COMPLETE) {
          String why = t.getStatus().getErr().isEmpty() ? t.getStatus().getState().name().toLowerCase() : t.getStatus().getErr();
          failed.add(slot + "/" + replicas + ": " + why);
        }
      }
      String state = t == null ? "new" : t.getStatus().getState().name().toLowerCase();
      String err = t == null ? "" : t.getStatus().getErr();
      slotLines.add(slot + "/" + replicas + ": " + state + " " + bar(t) + (err.isEmpty() ? "" : " " + err));
    }
    long stale = tasks.stream().filter(t -> t.getSpecVersion() != s.getSpecVersion()
        && t.getStatus().getState().getNumber() <= TaskState.RUNNING.getNumber()
        && t.getDesiredState().getNumber() > TaskState.RUNNING.getNumber()).count();
    List<String> lines = new ArrayList<>();
    lines.add("overall progress: " + running + " out of " + replicas + " tasks"
        + (ended > 0 ? " (" + ended + " ended, not restarted by the restart policy)" : ""));
    lines.addAll(slotLines);
    boolean settled = running + ended == replicas && stale == 0;
    return new ConvergenceView(lines, settled, settled ? failed : List.of());
  }

  private static void newer(Map<String, Task> m, String key, Task t) {
    Task prev = m.get(key);
    if (prev == null || t.getMeta().getCreatedAtMs() > prev.getMeta().getCreatedAtMs()) m.put(key, t);
  }

  static String bar(Task t) {
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
