package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.CreateNetworkRequest;
import io.jswarm.api.ListNetworksResponse;
import io.jswarm.api.Network;
import io.jswarm.api.RemoveNetworkRequest;
import io.jswarm.api.RemoveNetworkResponse;
import io.jswarm.api.Task;
import io.jswarm.api.TaskStates;
import io.jswarm.manager.Ids;
import io.jswarm.manager.network.Networks;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreView;
import java.util.List;

/** Overlay networks: create (subnet, VNI allocated), inspect, list, remove when unused. */
final class NetworkApi {
  private final ControlContext ctx;

  NetworkApi(ControlContext ctx) {
    this.ctx = ctx;
  }

  Network create(CreateNetworkRequest req) throws Exception {
    if (req.getSpec().getIngress()) {
      throw Status.INVALID_ARGUMENT.withDescription("the ingress network is created by the swarm when a port is first published").asException();
    }
    RaftStore s = ctx.store();
    String id = Ids.newId();
    s.update(tx -> tx.create(Networks.allocate(tx, id, req.getSpec())));
    return s.read(v -> v.network(id)).orElseThrow();
  }

  private static Network resolve(RaftStore s, String ref) throws StatusException {
    return Refs.resolve("network", ref, s.read(StoreView::networks), Network::getId, n -> n.getSpec().getName());
  }

  Network get(String ref) throws Exception {
    return resolve(ctx.readStore(), ref);
  }

  ListNetworksResponse list() throws Exception {
    return ListNetworksResponse.newBuilder().addAllNetworks(ctx.readStore().read(StoreView::networks)).build();
  }

  RemoveNetworkResponse remove(RemoveNetworkRequest req) throws Exception {
    RaftStore s = ctx.store();
    Network n = resolve(s, req.getRef());
    s.update(tx -> {
      List<String> users = Networks.usedBy(tx, n.getId());
      if (!users.isEmpty()) {
        throw Status.FAILED_PRECONDITION.withDescription("network " + n.getSpec().getName() + " is in use by service"
            + (users.size() > 1 ? "s " : " ") + String.join(", ", users) + "; remove or update them first").asRuntimeException();
      }
      // Tasks that are still shutting down keep their addresses; their records go with the reaper.
      for (Task t : tx.tasks()) {
        if (!TaskStates.isTerminal(t.getStatus().getState())
            && t.getNetworksList().stream().anyMatch(a -> a.getNetworkId().equals(n.getId()))) {
          throw Status.FAILED_PRECONDITION.withDescription("network " + n.getSpec().getName()
              + " still has a task shutting down (" + t.getId() + "); try again in a moment").asRuntimeException();
        }
      }
      tx.network(n.getId()).ifPresent(tx::delete);
    });
    return RemoveNetworkResponse.getDefaultInstance();
  }
}
