package io.jswarm.manager.membership;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.store.StoreView;
import java.util.List;

/** Facts about the manager set, read from the store. */
public final class Managers {
  private Managers() {}

  /** Control addresses of every manager, for agents to dial. */
  public static List<String> addrs(StoreView v) {
    return v.nodes().stream().filter(n -> n.getRole() == NodeSpec.Role.MANAGER && n.hasManagerStatus())
        .map(n -> n.getManagerStatus().getAddr()).sorted().toList();
  }

  public static long count(StoreView v) {
    return v.nodes().stream().filter(n -> n.getRole() == NodeSpec.Role.MANAGER).count();
  }

  public static boolean isManager(Node n) {
    return n.getRole() == NodeSpec.Role.MANAGER;
  }
}
