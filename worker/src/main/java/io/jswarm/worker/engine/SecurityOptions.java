package io.jswarm.worker.engine;

import java.util.List;
import java.util.Map;

/**
 * How a container is confined, with the meaning of Docker's flags. {@link #DEFAULTS} is Docker's
 * default confinement: its capability set and its seccomp profile, a writable rootfs.
 *
 * @param capAdd capability names ("NET_ADMIN", "CAP_SYS_ADMIN" or "ALL") added after the drops
 * @param capDrop capability names removed from Docker's default set ("ALL" empties it)
 * @param seccomp {@link #SECCOMP_DEFAULT}, {@link #SECCOMP_UNCONFINED}, or a profile in Docker's JSON format
 * @param readOnlyRootfs the rootfs is mounted read-only (--read-only)
 * @param sysctls namespaced sysctls to set in the container
 * @param ulimits resource limits; "nofile" replaces the daemon's inherited limit
 * @param init run the node's tini/catatonit as PID 1 in front of the command (--init)
 */
public record SecurityOptions(List<String> capAdd, List<String> capDrop, String seccomp, boolean readOnlyRootfs,
    Map<String, String> sysctls, List<Ulimit> ulimits, boolean init) {
  public static final String SECCOMP_DEFAULT = "";
  public static final String SECCOMP_UNCONFINED = "unconfined";
  public static final SecurityOptions DEFAULTS =
      new SecurityOptions(List.of(), List.of(), SECCOMP_DEFAULT, false, Map.of(), List.of(), false);

  /** One rlimit, e.g. ("nofile", 1024, 2048). */
  public record Ulimit(String name, long soft, long hard) {}

  public SecurityOptions {
    capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
    capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
    seccomp = seccomp == null ? SECCOMP_DEFAULT : seccomp;
    sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
    ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
  }
}
