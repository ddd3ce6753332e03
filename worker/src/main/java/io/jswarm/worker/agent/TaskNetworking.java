package io.jswarm.worker.agent;

import io.jswarm.api.NetworkState;
import io.jswarm.api.Task;
import io.jswarm.worker.engine.MountSpec;
import java.util.List;
import java.util.Set;

/**
 * The agent's seam to the node's networking: a task's network namespace is wired before its
 * container is created and unwired after it is removed; the dispatcher's network state is passed
 * through as it arrives.
 */
public interface TaskNetworking {
  /** A task's network namespace and the files (resolv.conf, hosts) mounted into its container. */
  record Prepared(String netnsPath, List<MountSpec> mounts) {
    public static final Prepared NONE = new Prepared("", List.of());
  }

  /** Wires the task's networks; an exception's message becomes the task's rejection. */
  Prepared prepare(Task t) throws Exception;

  /** Unwires what {@link #prepare} made for the task (idempotent). */
  void release(String taskId);

  void onNetworkState(NetworkState s);

  /** Drops namespaces of tasks that have no container any more (after a crash, say). */
  default void collect(Set<String> containerIds, Set<String> busy) {}

  TaskNetworking NONE = new TaskNetworking() {
    @Override
    public Prepared prepare(Task t) {
      return Prepared.NONE;
    }

    @Override
    public void release(String taskId) {}

    @Override
    public void onNetworkState(NetworkState s) {}
  };
}
