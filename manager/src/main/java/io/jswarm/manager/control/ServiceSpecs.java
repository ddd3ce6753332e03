package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.ServiceSpec;
import java.util.regex.Pattern;

/** Checks a service spec before anything is written; every message says what to fix. */
public final class ServiceSpecs {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.:/@-]*");

  private ServiceSpecs() {}

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
    if (spec.hasGlobal()) throw Status.UNIMPLEMENTED.withDescription("global services are not supported yet").asException();
    if (spec.getReplicated().getReplicas() > 100_000) throw invalid("replicas must be between 0 and 100000");
    for (String e : spec.getTask().getContainer().getEnvList()) {
      if (e.isEmpty() || e.startsWith("=")) throw invalid("invalid environment variable \"" + e + "\": use KEY=VALUE");
    }
    var restart = spec.getTask().getRestart();
    if (restart.getDelayMs() < 0) throw invalid("restart delay must not be negative");
    if (spec.getTask().getContainer().getStopGracePeriodMs() < 0) throw invalid("stop grace period must not be negative");
  }

  static StatusException invalid(String msg) {
    return Status.INVALID_ARGUMENT.withDescription(msg).asException();
  }
}
