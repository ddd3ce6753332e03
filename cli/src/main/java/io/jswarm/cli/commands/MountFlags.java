package io.jswarm.cli.commands;

import io.jswarm.api.Mount;
import io.jswarm.cli.CliException;
import java.util.Locale;

/** Docker's --mount syntax: type=bind|volume|tmpfs,source=…,target=…[,readonly][,tmpfs-size=…]. */
final class MountFlags {
  private MountFlags() {}

  static Mount parse(String spec) {
    Mount.Builder m = Mount.newBuilder();
    boolean typed = false;
    for (String part : spec.split(",")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      String k = (eq < 0 ? part : part.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String v = eq < 0 ? "" : part.substring(eq + 1).trim();
      switch (k) {
        case "type" -> {
          typed = true;
          m.setType(switch (v.toLowerCase(Locale.ROOT)) {
            case "bind" -> Mount.Type.BIND;
            case "volume" -> Mount.Type.VOLUME;
            case "tmpfs" -> Mount.Type.TMPFS;
            default -> throw bad(spec, "unknown mount type \"" + v + "\"; use bind, volume or tmpfs");
          });
        }
        case "source", "src" -> m.setSource(v);
        case "target", "destination", "dst" -> m.setTarget(v);
        case "readonly", "ro" -> m.setReadonly(v.isEmpty() || v.equals("1") || v.equalsIgnoreCase("true"));
        case "tmpfs-size" -> m.setTmpfsSizeBytes(SpecFlags.bytes("--mount tmpfs-size", v));
        default -> throw bad(spec, "unknown option \"" + k + "\"");
      }
    }
    if (!typed) m.setType(Mount.Type.VOLUME); // Docker's default
    if (m.getTarget().isEmpty()) throw bad(spec, "target is required");
    return m.build();
  }

  private static CliException bad(String spec, String what) {
    return new CliException("invalid --mount \"" + spec + "\": " + what, 125);
  }
}
