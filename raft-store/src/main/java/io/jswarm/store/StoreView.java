package io.jswarm.store;

import io.jswarm.api.Cluster;
import io.jswarm.api.Node;
import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryRepository;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import java.util.List;
import java.util.Optional;

/**
 * A consistent read view of the cluster state. Lists are sorted by id (stable order on every
 * replica) and are snapshots: they do not change after they are returned.
 * A view is only valid inside the function it was passed to.
 */
public interface StoreView {
  Optional<Node> node(String id);

  List<Node> nodes();

  Optional<Service> service(String id);

  List<Service> services();

  /** Service names are unique in the store (enforced at apply time). */
  Optional<Service> serviceByName(String name);

  Optional<Task> task(String id);

  List<Task> tasks();

  List<Task> tasksByService(String serviceId);

  List<Task> tasksByNode(String nodeId);

  /** The one cluster object, if it was created. */
  Optional<Cluster> cluster();

  /** The built-in registry's repository of that name (its id). */
  Optional<RegistryRepository> registryRepository(String name);

  List<RegistryRepository> registryRepositories();

  /** The built-in registry's record of a blob, by digest ({@code sha256:<hex>}, its id). */
  Optional<RegistryBlob> registryBlob(String digest);

  List<RegistryBlob> registryBlobs();

  Optional<io.jswarm.api.Network> network(String id);

  List<io.jswarm.api.Network> networks();

  /** Network names are unique in the store (enforced at apply time). */
  Optional<io.jswarm.api.Network> networkByName(String name);

  /** A secret or config, sealed (objects.proto Secret), by id. */
  Optional<io.jswarm.api.Secret> secret(String id);

  /** Every secret and config, every version, sorted by id; a list read like the others. */
  List<io.jswarm.api.Secret> secrets();
}
