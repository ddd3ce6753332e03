package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a seccomp profile in Docker's format (the default one, {@code seccomp-default.json}, or
 * the user's {@code --security-opt seccomp=FILE}) into the OCI spec's {@code linux.seccomp}, as
 * Docker's daemon does: rules are kept or left out by the container's capabilities ("includes" /
 * "excludes" caps), this node's architecture and its kernel version, so that, for instance,
 * {@code mount} and {@code unshare} are allowed only with CAP_SYS_ADMIN.
 */
final class Seccomp {
  static final String DEFAULT_RESOURCE = "seccomp-default.json";
  private static final JsonNode DEFAULT = load();

  private Seccomp() {}

  private static JsonNode load() {
    try (InputStream in = Seccomp.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) throw new IllegalStateException(DEFAULT_RESOURCE + " missing from the worker's jar");
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The default profile, in Docker's format. */
  static JsonNode defaultProfile() {
    return DEFAULT;
  }

  /** A profile given by the user, in Docker's format; IllegalArgumentException when it is not one. */
  static JsonNode parse(String json) {
    try {
      JsonNode p = Json.MAPPER.readTree(json);
      if (p == null || !p.isObject() || !p.path("defaultAction").isTextual()) {
        throw new IllegalArgumentException("not a seccomp profile: it needs a \"defaultAction\"");
      }
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException("seccomp profile is not valid JSON: " + e.getMessage());
    }
  }

  /** This node's view: its Go architecture name and kernel release. */
  record Host(String goArch, int[] kernel) {
    static final Host LOCAL = new Host(goArch(System.getProperty("os.arch")), readKernel());

    private static String goArch(String javaArch) {
      return switch (javaArch) {
        case "amd64", "x86_64" -> "amd64";
        case "aarch64" -> "arm64";
        case "x86", "i386" -> "x86";
        default -> javaArch.toLowerCase(Locale.ROOT);
      };
    }

    private static int[] readKernel() {
      try {
        return version(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
      } catch (IOException | RuntimeException e) {
        return new int[] {0, 0};
      }
    }

    String seccompArch() {
      return switch (goArch) {
        case "amd64" -> "SCMP_ARCH_X86_64";
        case "arm64" -> "SCMP_ARCH_AARCH64";
        case "x86" -> "SCMP_ARCH_X86";
        case "arm" -> "SCMP_ARCH_ARM";
        case "s390x" -> "SCMP_ARCH_S390X";
        case "ppc64le" -> "SCMP_ARCH_PPC64LE";
        case "riscv64" -> "SCMP_ARCH_RISCV64";
        default -> "SCMP_ARCH_" + goArch.toUpperCase(Locale.ROOT);
      };
    }
  }

  static int[] version(String release) {
    String[] p = release.split("[.-]");
    return new int[] {Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1].replaceAll("\\D.*", "")) : 0};
  }

  /** The OCI {@code linux.seccomp} object for {@code profile} and a container holding {@code caps}. */
  static ObjectNode toOci(JsonNode profile, List<String> caps, Host host) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("defaultAction", profile.path("defaultAction").asText());
    if (profile.has("defaultErrnoRet")) s.put("defaultErrnoRet", profile.path("defaultErrnoRet").asInt());
    ArrayNode arches = s.putArray("architectures");
    profile.path("architectures").forEach(arches::add);
    for (JsonNode m : profile.path("archMap")) {
      if (m.path("architecture").asText().equals(host.seccompArch())) {
        arches.add(m.path("architecture").asText());
        m.path("subArchitectures").forEach(arches::add);
      }
    }
    ArrayNode out = s.putArray("syscalls");
    for (JsonNode call : profile.path("syscalls")) {
      if (!applies(call, caps, host)) continue;
      ObjectNode r = out.addObject();
      ArrayNode names = r.putArray("names");
      call.path("names").forEach(names::add);
      if (call.hasNonNull("name")) names.add(call.path("name").asText()); // the pre-1.12 form
      r.put("action", call.path("action").asText());
      if (call.has("errnoRet")) r.put("errnoRet", call.path("errnoRet").asInt());
      if (call.path("args").isArray() && !call.path("args").isEmpty()) {
        ArrayNode args = r.putArray("args");
        for (JsonNode a : call.path("args")) {
          ObjectNode o = args.addObject();
          o.put("index", a.path("index").asInt());
          o.put("value", a.path("value").asLong());
          if (a.path("valueTwo").asLong() != 0) o.put("valueTwo", a.path("valueTwo").asLong());
          o.put("op", a.path("op").asText());
        }
      }
    }
    return s;
  }

  /** Docker's rule filter: every cap in "includes" held, none of "excludes"; arch and kernel match. */
  private static boolean applies(JsonNode call, List<String> caps, Host host) {
    JsonNode inc = call.path("includes");
    JsonNode exc = call.path("excludes");
    if (!strings(inc.path("arches")).isEmpty() && !strings(inc.path("arches")).contains(host.goArch())) return false;
    if (strings(exc.path("arches")).contains(host.goArch())) return false;
    for (String c : strings(inc.path("caps"))) if (!caps.contains(c)) return false;
    for (String c : strings(exc.path("caps"))) if (caps.contains(c)) return false;
    if (inc.hasNonNull("minKernel")) {
      int[] min = version(inc.path("minKernel").asText());
      int[] k = host.kernel();
      if (k[0] < min[0] || k[0] == min[0] && k[1] < min[1]) return false;
    }
    return true;
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }
}
