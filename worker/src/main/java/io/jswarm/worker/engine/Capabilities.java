package io.jswarm.worker.engine;

import io.jswarm.api.ContainerSecurityRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Docker's capability arithmetic: its default set, then --cap-drop, then --cap-add; "ALL" in either. */
final class Capabilities {
  static final List<String> DEFAULT = ContainerSecurityRules.DEFAULT_CAPS;
  static final List<String> ALL = ContainerSecurityRules.ALL_CAPS;

  private Capabilities() {}

  static String normalize(String name) {
    return ContainerSecurityRules.normalizeCap(name);
  }

  /** The set a container gets: Docker's defaults less {@code drop}, plus {@code add}. */
  static List<String> effective(List<String> add, List<String> drop) {
    List<String> adds = add.stream().map(Capabilities::normalize).toList();
    List<String> drops = drop.stream().map(Capabilities::normalize).toList();
    Set<String> caps;
    if (adds.contains("ALL")) {
      caps = new LinkedHashSet<>(ALL);
      caps.removeAll(drops);
    } else {
      caps = new LinkedHashSet<>(drops.contains("ALL") ? List.of() : DEFAULT);
      caps.removeAll(drops);
      caps.addAll(adds);
    }
    return new ArrayList<>(caps);
  }
}
