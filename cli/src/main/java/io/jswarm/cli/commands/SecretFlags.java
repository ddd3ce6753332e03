package io.jswarm.cli.commands;

import io.jswarm.api.SecretReference;
import io.jswarm.cli.CliException;
import java.util.Locale;

/**
 * Docker's --secret / --config syntax: NAME, or source=NAME[,target=PATH][,uid=N][,gid=N][,mode=0400]
 * (a first bare word is the source). Paths and defaults are settled by the managers.
 */
final class SecretFlags {
  private SecretFlags() {}

  static SecretReference parse(String flag, String spec) {
    SecretReference.Builder r = SecretReference.newBuilder();
    String[] parts = spec.split(",");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      if (part.isEmpty()) continue;
      int eq = part.indexOf('=');
      if (eq < 0 && i == 0) {
        r.setSecretName(part);
        continue;
      }
      if (eq < 0) throw bad(flag, spec, "\"" + part + "\" is not KEY=VALUE");
      String k = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = part.substring(eq + 1).trim();
      switch (k) {
        case "source", "src" -> r.setSecretName(v);
        case "target", "dst", "destination" -> r.setTarget(v);
        case "uid" -> r.setUid(number(flag, spec, k, v, 10));
        case "gid" -> r.setGid(number(flag, spec, k, v, 10));
        case "mode" -> r.setMode(number(flag, spec, k, v, 8)).setModeSet(true);
        default -> throw bad(flag, spec, "unknown option \"" + k + "\"; use source, target, uid, gid, mode");
      }
    }
    if (r.getSecretName().isEmpty()) throw bad(flag, spec, "source is required");
    return r.build();
  }

  private static int number(String flag, String spec, String key, String v, int radix) {
    try {
      int n = Integer.parseInt(v, radix);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw bad(flag, spec, key + " \"" + v + "\" is not a" + (radix == 8 ? "n octal mode such as 0400" : " number"));
    }
  }

  private static CliException bad(String flag, String spec, String what) {
    return new CliException("invalid " + flag + " \"" + spec + "\": " + what, 125);
  }
}
