package io.jswarm.worker.engine;

/**
 * What a container is doing now.
 *
 * @param pid the container's init pid on the host, 0 once it is gone
 * @param exitCode the exit code recorded by conmon (128+signal when killed), -1 while not stopped
 *     or when it is unknown
 */
public record ContainerState(String id, String taskId, Status status, int pid, int exitCode) {
  /** The lifecycle of a container: created by {@code create}, running after {@code start}. */
  public enum Status {
    CREATED,
    RUNNING,
    STOPPED
  }
}
