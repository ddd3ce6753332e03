package io.jswarm.registry.core;

import java.util.regex.Pattern;

/** A repository name as the spec's grammar allows it, at most 255 characters. */
public record RepoName(String value) {
  private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
  private static final Pattern GRAMMAR = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  public static final int MAX_LENGTH = 255;

  public RepoName {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
      throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name: "
          + (value == null ? "null" : value.length() > 80 ? value.substring(0, 80) + "…" : value));
    }
  }

  public static RepoName parse(String s) {
    return new RepoName(s);
  }

  @Override
  public String toString() {
    return value;
  }
}
