package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.api.ContainerSecurityRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The confinement part of the OCI spec, from a container's {@link SecurityOptions}: capabilities,
 * seccomp, read-only rootfs, sysctls, rlimits and the init process. Applied on top of what
 * {@link OciSpec} generates; defaults are Docker's (docs/security.md).
 */
final class OciSecurity {
  private OciSecurity() {}

  /** Applies {@code sec} to the generated spec {@code s}; IllegalArgumentException on a flag the node cannot honour. */
  static void apply(ObjectNode s, SecurityOptions sec, Seccomp.Host host) {
    ObjectNode p = (ObjectNode) s.path("process");
    List<String> caps = Capabilities.effective(sec.capAdd(), sec.capDrop());
    ObjectNode c = p.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode a = c.putArray(set);
      caps.forEach(a::add);
    }
    ObjectNode linux = (ObjectNode) s.path("linux");
    if (!sec.seccomp().equals(SecurityOptions.SECCOMP_UNCONFINED)) {
      JsonNode profile = sec.seccomp().isEmpty() ? Seccomp.defaultProfile() : Seccomp.parse(sec.seccomp());
      linux.set("seccomp", Seccomp.toOci(profile, caps, host));
    }
    ((ObjectNode) s.path("root")).put("readonly", sec.readOnlyRootfs());
    if (!sec.sysctls().isEmpty()) {
      ObjectNode sys = linux.putObject("sysctl");
      sec.sysctls().forEach((k, v) -> sys.put(ContainerSecurityRules.checkSysctl(k), v));
    }
    for (SecurityOptions.Ulimit u : sec.ulimits()) {
      setRlimit((ArrayNode) p.path("rlimits"), u);
    }
    if (sec.init()) {
      Path bin = InitBinary.find().orElseThrow(() -> new IllegalArgumentException(InitBinary.missing()));
      List<String> args = new ArrayList<>(InitBinary.args(bin));
      p.path("args").forEach(a -> args.add(a.asText()));
      ArrayNode a = p.putArray("args");
      args.forEach(a::add);
      ObjectNode m = ((ArrayNode) s.path("mounts")).addObject();
      m.put("destination", InitBinary.TARGET);
      m.put("type", "bind");
      m.put("source", bin.toString());
      m.putArray("options").add("bind").add("ro");
    }
  }

  private static void setRlimit(ArrayNode rlimits, SecurityOptions.Ulimit u) {
    String name = u.name().toLowerCase(Locale.ROOT);
    ContainerSecurityRules.checkUlimit(name, u.soft(), u.hard());
    String type = "RLIMIT_" + name.toUpperCase(Locale.ROOT);
    for (int i = rlimits.size() - 1; i >= 0; i--) {
      if (rlimits.get(i).path("type").asText().equals(type)) rlimits.remove(i);
    }
    ObjectNode r = rlimits.addObject();
    r.put("type", type);
    r.put("hard", u.hard());
    r.put("soft", u.soft());
  }
}
