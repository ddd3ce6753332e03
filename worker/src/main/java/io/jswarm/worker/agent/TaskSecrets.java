package io.jswarm.worker.agent;

import io.jswarm.api.SecretReference;
import io.jswarm.api.SecretValue;
import io.jswarm.api.Task;
import io.jswarm.worker.engine.MountSpec;
import io.jswarm.worker.engine.Tmpfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets and configs of this node's tasks. Values arrive with the assignments that need them
 * (Assignments.secrets) and are held in memory only while a task the node holds names them. When
 * a task is prepared, its files are written to a tmpfs of its own — never to the data root or any
 * disk — and each is bind-mounted read-only at its target in the container, with the owner and
 * mode the service gave. The tmpfs goes when the task's container goes, and any left by a daemon
 * that stopped meanwhile is collected like the tasks' network namespaces.
 *
 * <p>The tmpfs roots live under {@code /run/jswarm/secrets/TAG}, TAG a digest of the data root, so
 * several daemons on one machine (the lab) never share one, and a grep of the data root finds no
 * value even while tasks run. Nothing here logs a value.
 */
final class TaskSecrets {
  private static final Logger LOG = LoggerFactory.getLogger(TaskSecrets.class);
  /** The tmpfs holds a task's files and their inodes; values are at most 500 KiB each. */
  private static final long SLACK_BYTES = 64 * 1024;
  private final Path root;
  private final Map<String, SecretValue> values = new ConcurrentHashMap<>();

  TaskSecrets(Path root) {
    this.root = root;
  }

  /** The tmpfs roots of the daemon whose data root this is. */
  static Path rootFor(Path dataRoot) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(dataRoot.toAbsolutePath().normalize().toString()
          .getBytes(StandardCharsets.UTF_8));
      return Path.of("/run/jswarm/secrets", HexFormat.of().formatHex(d, 0, 6));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Takes the values that came with an assignments message, and forgets those no task names any more. */
  void received(List<SecretValue> arrived, Collection<Task> assigned) {
    for (SecretValue v : arrived) values.put(v.getId(), v);
    Set<String> named = new java.util.HashSet<>();
    for (Task t : assigned) {
      t.getSpec().getContainer().getSecretsList().forEach(r -> named.add(r.getSecretId()));
      t.getSpec().getContainer().getConfigsList().forEach(r -> named.add(r.getSecretId()));
    }
    values.keySet().retainAll(named);
  }

  /** How many values are held (tests). */
  int held() {
    return values.size();
  }

  /**
   * Writes the task's files to its tmpfs and returns their read-only mounts; none when it names
   * no secret or config.
   *
   * @throws IllegalArgumentException when a value did not arrive, or the files cannot be made
   *     (the task is rejected with the message)
   */
  List<MountSpec> prepare(Task t) {
    var c = t.getSpec().getContainer();
    if (c.getSecretsCount() == 0 && c.getConfigsCount() == 0) return List.of();
    List<SecretReference> refs = new ArrayList<>(c.getSecretsList());
    refs.addAll(c.getConfigsList());
    long size = SLACK_BYTES;
    for (SecretReference r : refs) {
      SecretValue v = values.get(r.getSecretId());
      if (v == null) {
        throw new IllegalArgumentException("secret or config " + r.getSecretName() + " was not delivered to this node");
      }
      size += v.getData().size() + 4096;
    }
    Path dir = root.resolve(t.getId());
    List<MountSpec> mounts = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      // only root walks to the tmpfs mounts (the containers see their files through binds)
      Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      if (!Tmpfs.isMounted(dir)) Tmpfs.mount(dir, size);
      int i = 0;
      for (SecretReference r : refs) {
        if (!r.getTarget().startsWith("/") || r.getTarget().contains("/../")) {
          throw new IllegalArgumentException("invalid target " + r.getTarget() + " for " + r.getSecretName());
        }
        Path file = dir.resolve(Integer.toString(i++));
        Files.write(file, values.get(r.getSecretId()).getData().toByteArray());
        Files.setAttribute(file, "unix:uid", r.getUid());
        Files.setAttribute(file, "unix:gid", r.getGid());
        Files.setAttribute(file, "unix:mode", r.getModeSet() ? r.getMode() : 0444);
        mounts.add(new MountSpec(MountSpec.Kind.BIND, file.toString(), r.getTarget(), true, 0));
      }
      return mounts;
    } catch (IOException | RuntimeException e) {
      release(t.getId());
      if (e instanceof IllegalArgumentException iae) throw iae;
      throw new IllegalArgumentException("cannot write the task's secrets to a tmpfs: " + e.getMessage(), e);
    }
  }

  /** Unmounts and removes the task's tmpfs, if it has one. */
  void release(String taskId) {
    Path dir = root.resolve(taskId);
    if (!Files.exists(dir)) return;
    try {
      Tmpfs.unmount(dir);
      Files.deleteIfExists(dir);
    } catch (IOException | RuntimeException e) {
      LOG.warn("removing the secrets tmpfs of task {} failed: {}", taskId, e.getMessage());
    }
  }

  /** Removes the tmpfs of every task that has no container and no operation in flight. */
  void collect(Set<String> containers, Set<String> busy) {
    if (!Files.isDirectory(root)) return;
    List<String> stale;
    try (Stream<Path> s = Files.list(root)) {
      stale = s.map(p -> p.getFileName().toString()).filter(id -> !containers.contains(id) && !busy.contains(id)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stale.forEach(this::release);
  }
}
