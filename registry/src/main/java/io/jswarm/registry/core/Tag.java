package io.jswarm.registry.core;

import java.util.regex.Pattern;

/** A tag as the spec's grammar allows it: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. Safe as a file name. */
public record Tag(String value) {
  private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  public Tag {
    if (value == null || !GRAMMAR.matcher(value).matches()) {
      throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag: " + value);
    }
  }

  public static boolean isValid(String s) {
    return s != null && GRAMMAR.matcher(s).matches();
  }

  @Override
  public String toString() {
    return value;
  }
}
