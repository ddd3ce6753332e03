package io.jswarm.manager.secrets;

import io.jswarm.api.Secret;
import io.jswarm.api.SecretReference;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a secret or config, and a service's use of one, must look like; checked before anything
 * is written, every message saying what to fix. Names and the size bound are Swarm's.
 */
public final class SecretChecks {
  /** Swarm's bound on a secret's or config's value. */
  public static final int MAX_BYTES = 500 * 1024;
  /** Swarm's name rule (swarmkit validateSecretSpec / validateConfigSpec). */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9]+(?:[a-zA-Z0-9_.-]*[a-zA-Z0-9])?");
  private static final int MAX_NAME = 64;
  public static final String SECRETS_DIR = "/run/secrets/";

  private SecretChecks() {}

  public static String word(Secret.Kind kind) {
    return kind == Secret.Kind.CONFIG ? "config" : "secret";
  }

  public static void name(Secret.Kind kind, String name) {
    if (name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid " + word(kind) + " name \"" + name + "\": use up to " + MAX_NAME
          + " characters [a-zA-Z0-9_.-], starting and ending with a letter or digit");
    }
  }

  public static void value(Secret.Kind kind, byte[] data) {
    if (data.length == 0) throw new IllegalArgumentException(word(kind) + " data must not be empty");
    if (data.length > MAX_BYTES) {
      throw new IllegalArgumentException(word(kind) + " data is " + data.length + " bytes; the limit is "
          + MAX_BYTES + " (500 KiB)");
    }
  }

  public static void labels(Map<String, String> labels) {
    for (String k : labels.keySet()) if (k.isBlank()) throw new IllegalArgumentException("a label needs a key: --label KEY=VALUE");
  }

  /**
   * The reference with its defaults filled in and its target made the absolute path in the
   * container: a secret's under /run/secrets (a relative target is a file name there), a
   * config's anywhere (default /NAME).
   */
  public static SecretReference normalized(Secret.Kind kind, SecretReference r) {
    String what = word(kind) + " " + r.getSecretName();
    String target = r.getTarget();
    if (target.isEmpty()) target = r.getSecretName();
    if (kind == Secret.Kind.SECRET) {
      if (!target.startsWith("/")) target = SECRETS_DIR + target;
      if (!target.startsWith(SECRETS_DIR)) {
        throw new IllegalArgumentException(what + ": target " + r.getTarget() + " must be a file name, or a path under " + SECRETS_DIR);
      }
    } else if (!target.startsWith("/")) {
      target = "/" + target;
    }
    for (String part : target.substring(1).split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException(what + ": invalid target " + r.getTarget() + " (no empty, . or .. parts)");
      }
    }
    if (target.indexOf('\0') >= 0 || target.contains(",") || target.contains(":")) {
      throw new IllegalArgumentException(what + ": target " + r.getTarget() + " must not contain ',', ':' or NUL");
    }
    int mode = r.getModeSet() ? r.getMode() : 0444;
    if (mode < 0 || mode > 0777) throw new IllegalArgumentException(what + ": mode " + Integer.toOctalString(mode) + " is not 0..0777");
    return r.toBuilder().setTarget(target).setMode(mode).setModeSet(true).build();
  }
}
