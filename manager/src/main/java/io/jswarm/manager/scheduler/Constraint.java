package io.jswarm.manager.scheduler;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One placement constraint, "KEY==VALUE" or "KEY!=VALUE" (objects.proto, Placement). Values
 * compare case-insensitively, as in Docker; a label the node lacks never equals anything, so
 * "node.labels.k!=v" holds on a node without the label.
 */
public record Constraint(String key, boolean equal, String value) {
  private static final Pattern FORM = Pattern.compile("^\\s*([A-Za-z0-9_.\\-]+)\\s*(==|!=)\\s*(\\S.*?)\\s*$");
  private static final List<String> KEYS = List.of("node.id", "node.hostname", "node.role",
      "node.platform.os", "node.platform.arch", "service");
  private static final String HINT = "use KEY==VALUE or KEY!=VALUE with KEY one of node.id, node.hostname, "
      + "node.role, node.platform.os, node.platform.arch, node.labels.<name>, engine.labels.<name>, service";

  /** @throws IllegalArgumentException with a message that says what to fix */
  public static Constraint parse(String expr) {
    Matcher m = FORM.matcher(expr);
    if (!m.matches()) throw new IllegalArgumentException("invalid constraint \"" + expr + "\": " + HINT);
    String key = m.group(1);
    String lower = key.toLowerCase(Locale.ROOT);
    boolean label = (lower.startsWith("node.labels.") && lower.length() > "node.labels.".length())
        || (lower.startsWith("engine.labels.") && lower.length() > "engine.labels.".length());
    if (!label && !KEYS.contains(lower)) {
      throw new IllegalArgumentException("invalid constraint \"" + expr + "\": unknown key \"" + key + "\"; " + HINT);
    }
    String value = m.group(3);
    if (value.contains("==") || value.contains("!=")) {
      throw new IllegalArgumentException("invalid constraint \"" + expr + "\": one operator per constraint; " + HINT);
    }
    if (lower.equals("node.role") && !value.equalsIgnoreCase("manager") && !value.equalsIgnoreCase("worker")) {
      throw new IllegalArgumentException("invalid constraint \"" + expr + "\": node.role is manager or worker");
    }
    // Label names keep their case; the fixed keys are matched lower-case.
    String normKey = label ? key.substring(0, key.indexOf(".labels.") + 8).toLowerCase(Locale.ROOT)
        + key.substring(key.indexOf(".labels.") + 8) : lower;
    return new Constraint(normKey, m.group(2).equals("=="), value);
  }

  public static List<Constraint> parseAll(List<String> exprs) {
    List<Constraint> out = new ArrayList<>();
    for (String e : exprs) out.add(parse(e));
    return out;
  }

  /** Whether this constraint is about the services on a node rather than the node itself. */
  public boolean isService() {
    return key.equals("service");
  }

  /** For node constraints. */
  public boolean matches(Node n) {
    String actual = attribute(n, key);
    boolean eq = actual != null && actual.equalsIgnoreCase(value);
    return equal == eq;
  }

  /** For service constraints: {@code running} is the number of live tasks of the named service on the node. */
  public boolean matchesServiceCount(int running) {
    return equal == (running > 0);
  }

  /** A node attribute by constraint/preference key; null when the node has none. */
  public static String attribute(Node n, String key) {
    switch (key) {
      case "node.id": return n.getId();
      case "node.hostname": return n.getDescription().getHostname();
      case "node.role": return n.getRole() == NodeSpec.Role.MANAGER ? "manager" : "worker";
      case "node.platform.os": return n.getDescription().getPlatform().getOs();
      case "node.platform.arch": return n.getDescription().getPlatform().getArchitecture();
      default:
        if (key.startsWith("node.labels.")) return label(n.getSpec().getLabelsMap(), key.substring(12));
        if (key.startsWith("engine.labels.")) return label(n.getDescription().getEngineLabelsMap(), key.substring(14));
        return null;
    }
  }

  private static String label(Map<String, String> labels, String k) {
    return labels.get(k);
  }

  @Override
  public String toString() {
    return key + (equal ? "==" : "!=") + value;
  }
}
