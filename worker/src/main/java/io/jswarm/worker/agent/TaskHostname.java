package io.jswarm.worker.agent;

import io.jswarm.api.Task;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task's hostname, as Docker's: the first 12 characters of the task id, or the service's
 * {@code --hostname} with its template placeholders expanded ({@code {{.Service.Name}}},
 * {@code {{.Service.ID}}}, {@code {{.Task.Slot}}}, {@code {{.Task.ID}}}, {@code {{.Task.Name}}},
 * {@code {{.Node.Hostname}}}, {@code {{.Node.ID}}}). The agent writes it into the task's spec
 * before networking and the container are made, so /etc/hosts and the UTS name agree.
 */
final class TaskHostname {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*\\.(\\w+)\\.(\\w+)\\s*}}");
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,62})");

  private TaskHostname() {}

  /** The task with its container's hostname resolved. */
  static Task resolved(Task t, String nodeHostname) {
    String h = of(t, nodeHostname);
    return t.toBuilder().setSpec(t.getSpec().toBuilder().setContainer(
        t.getSpec().getContainer().toBuilder().setHostname(h))).build();
  }

  /** @throws IllegalArgumentException an unknown placeholder, or a result that is no hostname */
  static String of(Task t, String nodeHostname) {
    String template = t.getSpec().getContainer().getHostname();
    if (template.isEmpty()) {
      return t.getId().substring(0, Math.min(12, t.getId().length()));
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(value(t, nodeHostname, m.group(1), m.group(2), m.group())));
    }
    m.appendTail(out);
    String h = out.toString();
    if (!VALID.matcher(h).matches()) {
      throw new IllegalArgumentException("hostname \"" + h + "\" (from --hostname " + template
          + ") is not a valid hostname: letters, digits, '.', '_', '-', at most 63");
    }
    return h;
  }

  private static String value(Task t, String nodeHostname, String scope, String field, String whole) {
    String slot = t.getSlot() > 0 ? Long.toString(t.getSlot()) : t.getNodeId(); // global tasks: by node, as their names
    String v = switch (scope + "." + field) {
      case "Service.Name" -> t.getServiceName();
      case "Service.ID" -> t.getServiceId();
      case "Task.Slot" -> slot;
      case "Task.ID" -> t.getId();
      case "Task.Name" -> t.getServiceName() + "." + slot + "." + t.getId();
      case "Node.Hostname" -> nodeHostname;
      case "Node.ID" -> t.getNodeId();
      default -> null;
    };
    if (v == null) {
      throw new IllegalArgumentException("--hostname placeholder " + whole + " is not known: use {{.Service.Name}}, "
          + "{{.Service.ID}}, {{.Task.Slot}}, {{.Task.ID}}, {{.Task.Name}}, {{.Node.Hostname}} or {{.Node.ID}}");
    }
    return v;
  }
}
