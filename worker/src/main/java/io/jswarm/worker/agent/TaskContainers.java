package io.jswarm.worker.agent;

import io.jswarm.api.ContainerSecurity;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Task;
import io.jswarm.worker.engine.ContainerConfig;
import io.jswarm.worker.engine.Image;
import io.jswarm.worker.engine.LogLimits;
import io.jswarm.worker.engine.MountSpec;
import io.jswarm.worker.engine.ResourceLimits;
import io.jswarm.worker.engine.SecurityOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a task becomes a container: Docker's rules for merging a service spec with image defaults. */
final class TaskContainers {
  static final long DEFAULT_STOP_GRACE_MS = 10_000;

  private TaskContainers() {}

  /** The image reference to resolve: the pinned digest when the orchestrator set one. */
  static String imageRef(Task t) {
    return t.getImageDigest().isEmpty() ? t.getSpec().getContainer().getImage() : t.getImageDigest();
  }

  /** The image as the user named it, without the pinned digest. */
  static String imageName(Task t) {
    String image = t.getSpec().getContainer().getImage();
    int at = image.indexOf('@');
    return at < 0 ? image : image.substring(0, at);
  }

  /** True when the task's image names a registry (REGISTRY/REPO…): the agent pulls it if missing. */
  static boolean pullable(Task t) {
    try {
      return io.jswarm.registry.client.ImageReference.parse(t.getSpec().getContainer().getImage()).remote();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Whether a task whose pinned image is not on this node may run the local image of its name
   * instead: only when it is pinned to nothing, or when the swarm has no registry (the pin is
   * then the manager's local image id, meaningless here). Never when a registry could hold the
   * pinned digest: a different image of the same name must not run in its place.
   */
  static boolean mayRunByName(Task t, List<String> clusterRegistries) {
    return t.getImageDigest().isEmpty() || (clusterRegistries.isEmpty() && !pullable(t));
  }

  /** Why a task's image is missing, naming the pin when there is one. */
  static String missingImage(Task t, String nodeName) {
    if (t.getImageDigest().isEmpty()) {
      return "image " + imageName(t) + " not found on node " + nodeName;
    }
    return "image " + imageName(t) + "@" + t.getImageDigest() + " not found on node " + nodeName
        + " nor in the swarm's registry; the local " + imageName(t) + ", if any, is not run in its place"
        + " (it may be a different image): push the image to the registry, or update the service";
  }

  /** What to pull: the name pinned by the task's digest (REGISTRY/REPO@sha256:…) when it has one. */
  static String pullRef(Task t) {
    String name = imageName(t);
    if (t.getImageDigest().isEmpty()) {
      return name;
    }
    var ref = io.jswarm.registry.client.ImageReference.parse(name);
    return ref.name() + "@" + t.getImageDigest();
  }

  /**
   * @throws IllegalArgumentException when neither the spec nor the image gives a command
   */
  static ContainerConfig config(Task t, Image image) {
    return config(t, image, TaskNetworking.Prepared.NONE);
  }

  static ContainerConfig config(Task t, Image image, TaskNetworking.Prepared net) {
    return config(t, image, net, List.of());
  }

  /** @param secretFiles the task's secrets and configs, read-only binds from its tmpfs ({@link TaskSecrets}) */
  static ContainerConfig config(Task t, Image image, TaskNetworking.Prepared net, List<MountSpec> secretFiles) {
    ContainerSpec cs = t.getSpec().getContainer();
    List<String> args = new ArrayList<>();
    if (cs.getCommandCount() > 0) {
      args.addAll(cs.getCommandList());
      args.addAll(cs.getArgsList());
    } else {
      args.addAll(image.entrypoint());
      args.addAll(cs.getArgsCount() > 0 ? cs.getArgsList() : image.cmd());
    }
    if (args.isEmpty()) {
      throw new IllegalArgumentException("no command specified: image " + cs.getImage()
          + " has no entrypoint or cmd and the service gives none");
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String e : image.env()) {
      env.put(key(e), e);
    }
    for (String e : cs.getEnvList()) {
      env.put(key(e), e);
    }
    Map<String, String> labels = new HashMap<>(cs.getLabelsMap());
    labels.put("io.jswarm.task.id", t.getId());
    labels.put("io.jswarm.service.id", t.getServiceId());
    labels.put("io.jswarm.service.name", t.getServiceName());
    logLabels(t, labels);
    return new ContainerConfig(t.getId(), t.getId(), image.id(), args, new ArrayList<>(env.values()),
        cs.getDir().isEmpty() ? image.workingDir() : cs.getDir(),
        cs.getUser().isEmpty() ? image.user() : cs.getUser(), cs.getHostname(), net.netnsPath(), labels, limits(t),
        withNetworkFiles(withSecretFiles(mounts(t), secretFiles), net.mounts()), security(cs.getSecurity()));
  }

  /** The task's --log-opt max-size/max-file as the engine's labels (checked: a bad value rejects the task). */
  private static void logLabels(Task t, Map<String, String> labels) {
    Map<String, String> opts = t.getSpec().getLogDriver().getOptionsMap();
    long size = opts.containsKey("max-size") ? LogLimits.parseSize(opts.get("max-size")) : LogLimits.DEFAULT.maxBytes();
    labels.put(LogLimits.MAX_SIZE_LABEL, Long.toString(size));
    labels.put(LogLimits.MAX_FILE_LABEL, opts.getOrDefault("max-file", Integer.toString(LogLimits.DEFAULT.maxFiles())));
    LogLimits.of(labels); // validates
  }

  /** The service's confinement flags; an unset message is Docker's defaults. */
  static SecurityOptions security(ContainerSecurity s) {
    String seccomp = switch (s.getSeccompMode()) {
      case SECCOMP_UNCONFINED -> SecurityOptions.SECCOMP_UNCONFINED;
      case SECCOMP_CUSTOM -> s.getSeccompProfile();
      default -> SecurityOptions.SECCOMP_DEFAULT;
    };
    List<SecurityOptions.Ulimit> ulimits = s.getUlimitsList().stream()
        .map(u -> new SecurityOptions.Ulimit(u.getName(), u.getSoft(), u.getHard())).toList();
    return new SecurityOptions(s.getCapAddList(), s.getCapDropList(), seccomp, s.getReadOnlyRootfs(),
        s.getSysctlsMap(), ulimits, s.getInit());
  }

  /** The network's files (resolv.conf, hosts) unless the service mounts its own there. */
  private static List<MountSpec> withNetworkFiles(List<MountSpec> mounts, List<MountSpec> files) {
    List<MountSpec> out = new ArrayList<>(files.stream()
        .filter(f -> mounts.stream().noneMatch(m -> m.target().equals(f.target()))).toList());
    out.addAll(mounts);
    return out;
  }

  /** The service's own mounts, then its secret files: a file over a mounted directory shows. */
  private static List<MountSpec> withSecretFiles(List<MountSpec> mounts, List<MountSpec> secretFiles) {
    List<MountSpec> out = new ArrayList<>(mounts);
    out.addAll(secretFiles);
    return out;
  }

  static List<MountSpec> mounts(Task t) {
    List<MountSpec> out = new ArrayList<>();
    for (var m : t.getSpec().getContainer().getMountsList()) {
      MountSpec.Kind kind = switch (m.getType()) {
        case VOLUME -> MountSpec.Kind.VOLUME;
        case TMPFS -> MountSpec.Kind.TMPFS;
        default -> MountSpec.Kind.BIND;
      };
      out.add(new MountSpec(kind, m.getSource(), m.getTarget(), m.getReadonly(), m.getTmpfsSizeBytes()));
    }
    return out;
  }

  static ResourceLimits limits(Task t) {
    var l = t.getSpec().getResources().getLimits();
    return new ResourceLimits(l.getNanoCpus(), l.getMemoryBytes(), l.getPids());
  }

  static long stopGraceMs(Task t) {
    ContainerSpec cs = t.getSpec().getContainer();
    return cs.getStopGracePeriodSet() ? Math.max(0, cs.getStopGracePeriodMs()) : DEFAULT_STOP_GRACE_MS;
  }

  static String stopSignal(Task t) {
    return t.getSpec().getContainer().getStopSignal();
  }

  private static String key(String kv) {
    int eq = kv.indexOf('=');
    return eq < 0 ? kv : kv.substring(0, eq);
  }
}
