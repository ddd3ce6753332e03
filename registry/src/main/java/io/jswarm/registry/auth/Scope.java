package io.jswarm.registry.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One resource scope of Docker's token flow: {@code repository:NAME:ACTION[,ACTION…]}. Names may
 * hold a port-less registry path with slashes but no colon, so the last colon splits off the
 * actions. Other resource types ({@code registry:catalog:*}) parse as null: this registry grants
 * nothing on them.
 */
public record Scope(String repository, Set<Action> actions) {
  public Scope {
    actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
  }

  /** Parses one scope; null for other types or malformed ones. */
  public static Scope parse(String s) {
    if (s == null || !s.startsWith("repository:")) {
      return null;
    }
    String rest = s.substring("repository:".length());
    int colon = rest.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    EnumSet<Action> actions = EnumSet.noneOf(Action.class);
    for (String a : rest.substring(colon + 1).split(",")) {
      actions.addAll(Action.fromScopeName(a));
    }
    return new Scope(rest.substring(0, colon), actions);
  }

  /** Every {@code scope} parameter value; a value may also hold several scopes separated by spaces. */
  public static List<Scope> parseAll(List<String> values) {
    List<Scope> out = new ArrayList<>();
    for (String v : values) {
      for (String one : v.trim().split("\\s+")) {
        Scope s = parse(one);
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "repository:" + repository + ":" + actions.stream().sorted().map(Action::scopeName)
        .collect(Collectors.joining(","));
  }
}
