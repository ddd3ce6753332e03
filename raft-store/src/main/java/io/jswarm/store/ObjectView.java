package io.jswarm.store;

import io.jswarm.api.Cluster;
import io.jswarm.api.Node;
import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryRepository;
import io.jswarm.api.Service;
import io.jswarm.api.StoreObject;
import io.jswarm.api.StoreObject.ObjectCase;
import io.jswarm.api.Task;
import java.util.List;
import java.util.Optional;

/** Implements the typed {@link StoreView} on top of a few untyped look-ups. */
abstract class ObjectView implements StoreView {

  abstract Optional<StoreObject> get(ObjectCase kind, String id);

  /** All objects of a kind, sorted by id. */
  abstract List<StoreObject> all(ObjectCase kind);

  abstract List<StoreObject> tasksWithService(String serviceId);

  abstract List<StoreObject> tasksOnNode(String nodeId);

  abstract Optional<StoreObject> serviceNamed(String name);

  abstract Optional<StoreObject> networkNamed(String name);

  /** A list read's fingerprint: {how many objects of the kind, the highest meta.version}. */
  abstract long[] fingerprint(ObjectCase kind);

  @Override
  public Optional<io.jswarm.api.Network> network(String id) {
    return get(ObjectCase.NETWORK, id).map(StoreObject::getNetwork);
  }

  @Override
  public List<io.jswarm.api.Network> networks() {
    return all(ObjectCase.NETWORK).stream().map(StoreObject::getNetwork).toList();
  }

  @Override
  public Optional<io.jswarm.api.Network> networkByName(String name) {
    return networkNamed(name).map(StoreObject::getNetwork);
  }

  @Override
  public Optional<io.jswarm.api.Secret> secret(String id) {
    return get(ObjectCase.SECRET, id).map(StoreObject::getSecret);
  }

  @Override
  public List<io.jswarm.api.Secret> secrets() {
    return all(ObjectCase.SECRET).stream().map(StoreObject::getSecret).toList();
  }

  @Override
  public Optional<Node> node(String id) {
    return get(ObjectCase.NODE, id).map(StoreObject::getNode);
  }

  @Override
  public List<Node> nodes() {
    return all(ObjectCase.NODE).stream().map(StoreObject::getNode).toList();
  }

  @Override
  public Optional<Service> service(String id) {
    return get(ObjectCase.SERVICE, id).map(StoreObject::getService);
  }

  @Override
  public List<Service> services() {
    return all(ObjectCase.SERVICE).stream().map(StoreObject::getService).toList();
  }

  @Override
  public Optional<Service> serviceByName(String name) {
    return serviceNamed(name).map(StoreObject::getService);
  }

  @Override
  public Optional<Task> task(String id) {
    return get(ObjectCase.TASK, id).map(StoreObject::getTask);
  }

  @Override
  public List<Task> tasks() {
    return all(ObjectCase.TASK).stream().map(StoreObject::getTask).toList();
  }

  @Override
  public List<Task> tasksByService(String serviceId) {
    return tasksWithService(serviceId).stream().map(StoreObject::getTask).toList();
  }

  @Override
  public List<Task> tasksByNode(String nodeId) {
    return tasksOnNode(nodeId).stream().map(StoreObject::getTask).toList();
  }

  @Override
  public Optional<Cluster> cluster() {
    List<StoreObject> clusters = all(ObjectCase.CLUSTER);
    return clusters.isEmpty() ? Optional.empty() : Optional.of(clusters.get(0).getCluster());
  }

  @Override
  public Optional<RegistryRepository> registryRepository(String name) {
    return get(ObjectCase.REGISTRY_REPOSITORY, name).map(StoreObject::getRegistryRepository);
  }

  @Override
  public List<RegistryRepository> registryRepositories() {
    return all(ObjectCase.REGISTRY_REPOSITORY).stream().map(StoreObject::getRegistryRepository).toList();
  }

  @Override
  public Optional<RegistryBlob> registryBlob(String digest) {
    return get(ObjectCase.REGISTRY_BLOB, digest).map(StoreObject::getRegistryBlob);
  }

  @Override
  public List<RegistryBlob> registryBlobs() {
    return all(ObjectCase.REGISTRY_BLOB).stream().map(StoreObject::getRegistryBlob).toList();
  }
}
