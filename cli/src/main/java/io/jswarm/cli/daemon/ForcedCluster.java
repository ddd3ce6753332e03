package io.jswarm.cli.daemon;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.StoreObject;
import io.jswarm.store.RaftStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The state a forced new cluster starts from: everything this manager had applied, with every
 * other manager turned into a down worker (they are no longer members of the new group).
 */
final class ForcedCluster {
  private ForcedCluster() {}

  static List<StoreObject> export(RaftStore store, String selfId) {
    return store.read(v -> {
      List<StoreObject> out = new ArrayList<>();
      v.cluster().ifPresent(c -> out.add(StoreObject.newBuilder().setCluster(c).build()));
      for (Node n : v.nodes()) {
        Node kept = n;
        if (!n.getId().equals(selfId) && n.getRole() == NodeSpec.Role.MANAGER) {
          kept = n.toBuilder().setRole(NodeSpec.Role.WORKER).clearManagerStatus()
              .setSpec(n.getSpec().toBuilder().setDesiredRole(NodeSpec.Role.WORKER))
              .setStatus(n.getStatus().toBuilder().setState(NodeStatus.State.DOWN)
                  .setMessage("removed from the managers by --force-new-cluster")).build();
        }
        out.add(StoreObject.newBuilder().setNode(kept).build());
      }
      // networks too: their subnets, VNIs and the tasks' addresses stay allocated (issue 11)
      v.networks().forEach(n -> out.add(StoreObject.newBuilder().setNetwork(n).build()));
      // secrets and configs still sealed: the cluster key that opens them stays on this manager
      v.secrets().forEach(x -> out.add(StoreObject.newBuilder().setSecret(x).build()));
      v.services().forEach(s -> out.add(StoreObject.newBuilder().setService(s).build()));
      v.tasks().forEach(t -> out.add(StoreObject.newBuilder().setTask(t).build()));
      v.registryRepositories().forEach(r -> out.add(StoreObject.newBuilder().setRegistryRepository(r).build()));
      v.registryBlobs().forEach(b -> out.add(StoreObject.newBuilder().setRegistryBlob(b).build()));
      return out;
    });
  }
}
