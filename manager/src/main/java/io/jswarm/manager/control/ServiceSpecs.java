package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.ContainerSecurityRules;
import io.jswarm.api.Mount;
import io.jswarm.api.Placement;
import io.jswarm.api.PlacementPreference;
import io.jswarm.api.ResourceRequirements;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.UpdateConfig;
import io.jswarm.manager.scheduler.Constraint;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a service spec before anything is written; every message says what to fix. */
public final class ServiceSpecs {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.:/@-]*");

  private ServiceSpecs() {}

  /**
   * Drops empty sub-messages a client may have touched (placement, resources, healthcheck,
   * update configs), so that an unchanged spec compares equal and replaces no task.
   */
  public static ServiceSpec normalize(ServiceSpec spec) {
    ServiceSpec.Builder b = spec.toBuilder();
    var t = b.getTaskBuilder();
    if (t.hasPlacement() && t.getPlacement().equals(Placement.getDefaultInstance())) t.clearPlacement();
    if (t.hasResources()) {
      var r = t.getResourcesBuilder();
      if (r.hasLimits() && r.getLimits().equals(io.jswarm.api.Resources.getDefaultInstance())) r.clearLimits();
      if (r.hasReservations() && r.getReservations().equals(io.jswarm.api.Resources.getDefaultInstance())) r.clearReservations();
      if (t.getResources().equals(ResourceRequirements.getDefaultInstance())) t.clearResources();
    }
    var c = t.getContainerBuilder();
    if (c.hasHealthcheck() && c.getHealthcheck().equals(io.jswarm.api.HealthConfig.getDefaultInstance())) c.clearHealthcheck();
    if (c.hasSecurity() && c.getSecurity().equals(io.jswarm.api.ContainerSecurity.getDefaultInstance())) c.clearSecurity();
    if (b.hasUpdateConfig() && b.getUpdateConfig().equals(UpdateConfig.getDefaultInstance())) b.clearUpdateConfig();
    if (b.hasRollbackConfig() && b.getRollbackConfig().equals(UpdateConfig.getDefaultInstance())) b.clearRollbackConfig();
    return b.build();
  }

  public static void validate(ServiceSpec spec) throws StatusException {
    String name = spec.getName();
    if (name.isEmpty()) throw invalid("service name must not be empty");
    if (name.length() > 63 || !NAME.matcher(name).matches()) {
      throw invalid("invalid service name \"" + name + "\": use up to 63 characters [a-zA-Z0-9_.-], starting with a letter or digit");
    }
    if (!spec.hasTask() || !spec.getTask().hasContainer()) throw invalid("service spec has no container");
    String image = spec.getTask().getContainer().getImage();
    if (image.isEmpty()) throw invalid("an image is required: jswarm service create [OPTIONS] IMAGE [COMMAND] [ARG...]");
    if (!IMAGE.matcher(image).matches()) throw invalid("invalid image reference \"" + image + "\"");
    if (!spec.hasReplicated() && !spec.hasGlobal()) throw invalid("service mode is missing (replicated or global)");
    if (spec.hasReplicated() && spec.getReplicated().getReplicas() > 100_000) throw invalid("replicas must be between 0 and 100000");
    for (String e : spec.getTask().getContainer().getEnvList()) {
      if (e.isEmpty() || e.startsWith("=")) throw invalid("invalid environment variable \"" + e + "\": use KEY=VALUE");
    }
    var restart = spec.getTask().getRestart();
    if (restart.getDelayMs() < 0) throw invalid("restart delay must not be negative");
    if (restart.getWindowMs() < 0) throw invalid("restart window must not be negative");
    validatePlacement(spec.getTask().getPlacement());
    validateMounts(spec.getTask().getContainer().getMountsList());
    var h = spec.getTask().getContainer().getHealthcheck();
    if (h.getIntervalMs() < 0 || h.getTimeoutMs() < 0 || h.getStartPeriodMs() < 0) {
      throw invalid("--health-interval, --health-timeout and --health-start-period must not be negative");
    }
    if (h.getTestCount() > 0 && !List.of("CMD", "CMD-SHELL", "NONE").contains(h.getTest(0))) {
      throw invalid("invalid healthcheck test: starts with CMD, CMD-SHELL or NONE");
    }
    if ((h.getTestCount() == 1 && !h.getTest(0).equals("NONE")) || (h.getTestCount() > 1 && h.getTest(0).equals("NONE"))) {
      throw invalid("invalid healthcheck test " + h.getTestList() + ": a command is required (or NONE alone)");
    }
    validateResources(spec.getTask().getResources());
    validateUpdate("update", spec.getUpdateConfig());
    validateUpdate("rollback", spec.getRollbackConfig());
    if (spec.getTask().getContainer().getStopGracePeriodMs() < 0) throw invalid("stop grace period must not be negative");
    try {
      ContainerSecurityRules.check(spec.getTask().getContainer().getSecurity());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static void validatePlacement(Placement p) throws StatusException {
    for (String c : p.getConstraintsList()) {
      try {
        Constraint.parse(c);
      } catch (IllegalArgumentException e) {
        throw invalid(e.getMessage());
      }
    }
    for (PlacementPreference pref : p.getPreferencesList()) {
      String k = pref.getSpread();
      boolean ok = (k.startsWith("node.labels.") && k.length() > 12) || (k.startsWith("engine.labels.") && k.length() > 14)
          || k.equals("node.id") || k.equals("node.hostname") || k.equals("node.role")
          || k.equals("node.platform.os") || k.equals("node.platform.arch");
      if (!ok) throw invalid("invalid placement preference \"spread=" + k + "\": spread over node.labels.<name>, engine.labels.<name> or a node.* attribute");
    }
  }

  private static final Pattern VOLUME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

  private static void validateMounts(java.util.List<Mount> mounts) throws StatusException {
    java.util.Set<String> targets = new java.util.HashSet<>();
    for (Mount m : mounts) {
      if (m.getType() == Mount.Type.UNRECOGNIZED) throw invalid("invalid mount: unknown type; use bind, volume or tmpfs");
      String t = m.getTarget();
      if (!t.startsWith("/")) throw invalid("invalid mount target \"" + t + "\": must be an absolute path");
      if (t.equals("/")) throw invalid("invalid mount target \"/\": the container's root cannot be a mount");
      if (!targets.add(t)) throw invalid("duplicate mount target \"" + t + "\"");
      switch (m.getType()) {
        case BIND -> {
          if (!m.getSource().startsWith("/")) {
            throw invalid("invalid bind mount source \"" + m.getSource() + "\": must be an absolute path on the node");
          }
        }
        case VOLUME -> {
          if (!VOLUME.matcher(m.getSource()).matches()) {
            throw invalid("invalid volume name \"" + m.getSource() + "\": use [a-zA-Z0-9][a-zA-Z0-9_.-]*");
          }
        }
        case TMPFS -> {
          if (!m.getSource().isEmpty()) throw invalid("a tmpfs mount takes no source");
          if (m.getTmpfsSizeBytes() < 0) throw invalid("tmpfs-size must not be negative");
        }
        default -> throw invalid("invalid mount: unknown type; use bind, volume or tmpfs");
      }
    }
  }

  private static void validateResources(ResourceRequirements r) throws StatusException {
    for (var e : java.util.Map.of("reserve", r.getReservations(), "limit", r.getLimits()).entrySet()) {
      if (e.getValue().getNanoCpus() < 0) throw invalid("--" + e.getKey() + "-cpu must not be negative");
      if (e.getValue().getMemoryBytes() < 0) throw invalid("--" + e.getKey() + "-memory must not be negative");
      if (e.getValue().getPids() < 0) throw invalid("--" + e.getKey() + "-pids must not be negative");
    }
    if (r.getLimits().getMemoryBytes() > 0 && r.getLimits().getMemoryBytes() < 4L << 20) {
      throw invalid("--limit-memory must be at least 4MiB");
    }
  }

  private static void validateUpdate(String which, UpdateConfig u) throws StatusException {
    if (u.getDelayMs() < 0) throw invalid("--" + which + "-delay must not be negative");
    if (u.getMonitorMs() < 0) throw invalid("--" + which + "-monitor must not be negative");
    if (u.getMaxFailureRatio() < 0 || u.getMaxFailureRatio() > 1 || Double.isNaN(u.getMaxFailureRatio())) {
      throw invalid("--" + which + "-max-failure-ratio must be between 0 and 1");
    }
  }

  static StatusException invalid(String msg) {
    return Status.INVALID_ARGUMENT.withDescription(msg).asException();
  }
}
