package io.jswarm.worker.engine;

import java.util.List;
import java.util.Map;

/**
 * What to run in a new container. The caller has already merged image defaults into {@code args},
 * {@code env}, {@code workingDir} and {@code user} (see the agent's task-to-container mapping).
 *
 * @param id container id: [A-Za-z0-9][A-Za-z0-9_.-]{0,127}; the agent uses the task id
 * @param taskId the task this container runs, "" for none
 * @param image an image reference or id, resolved through the {@link ImageStore}
 * @param user "" (root), uid[:gid] or name[:group] looked up in the rootfs' /etc/passwd and /etc/group
 * @param hostname "" = the first 12 characters of the id
 * @param netnsPath path of a network namespace to join (e.g. /var/run/netns/x); "" = a new empty one
 * @param limits cgroup limits (cpu, memory, pids)
 * @param mounts filesystems mounted into the container, in order
 * @param security capabilities, seccomp, read-only rootfs, sysctls, ulimits, init (Docker's defaults when null)
 */
public record ContainerConfig(
    String id,
    String taskId,
    String image,
    List<String> args,
    List<String> env,
    String workingDir,
    String user,
    String hostname,
    String netnsPath,
    Map<String, String> labels,
    ResourceLimits limits,
    List<MountSpec> mounts,
    SecurityOptions security) {

  /** With Docker's default confinement. */
  public ContainerConfig(String id, String taskId, String image, List<String> args, List<String> env, String workingDir,
      String user, String hostname, String netnsPath, Map<String, String> labels, ResourceLimits limits, List<MountSpec> mounts) {
    this(id, taskId, image, args, env, workingDir, user, hostname, netnsPath, labels, limits, mounts, SecurityOptions.DEFAULTS);
  }

  /** Without limits or mounts. */
  public ContainerConfig(String id, String taskId, String image, List<String> args, List<String> env,
      String workingDir, String user, String hostname, String netnsPath, Map<String, String> labels) {
    this(id, taskId, image, args, env, workingDir, user, hostname, netnsPath, labels, ResourceLimits.NONE, List.of());
  }

  public ContainerConfig {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("invalid container id: " + id);
    }
    if (args == null || args.isEmpty()) {
      throw new IllegalArgumentException("no command specified for container " + id);
    }
    taskId = taskId == null ? "" : taskId;
    limits = limits == null ? ResourceLimits.NONE : limits;
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    args = List.copyOf(args);
    env = env == null ? List.of() : List.copyOf(env);
    workingDir = workingDir == null || workingDir.isEmpty() ? "/" : workingDir;
    user = user == null ? "" : user;
    hostname = hostname == null || hostname.isEmpty() ? id.substring(0, Math.min(12, id.length())) : hostname;
    netnsPath = netnsPath == null ? "" : netnsPath;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    security = security == null ? SecurityOptions.DEFAULTS : security;
  }

  /** A container with image defaults for everything but the command. */
  public static ContainerConfig of(String id, String image, List<String> args) {
    return new ContainerConfig(id, "", image, args, List.of(ImageStore.DEFAULT_PATH), "/", "", "", "", Map.of());
  }
}
