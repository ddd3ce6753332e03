package io.jswarm.manager;

import io.jswarm.api.Cluster;
import io.jswarm.api.Meta;
import io.jswarm.api.Network;
import io.jswarm.api.Node;
import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryRepository;
import io.jswarm.api.Service;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.store.StoreEvent;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory stand-in for the store in property tests of the leader components' indexes:
 * objects by id, each change stamped with the next index and returned as the {@link StoreEvent}
 * the real store's watch would deliver. No validation: the tests feed it plausible changes.
 */
public final class ModelStore implements StoreView {
  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final TreeMap<String, Service> services = new TreeMap<>();
  private final TreeMap<String, Task> tasks = new TreeMap<>();
  private final TreeMap<String, Network> networks = new TreeMap<>();
  private Cluster cluster;
  private long index = 10;

  /** Creates or replaces the object (stamping meta.version), returning the watch event. */
  public StoreEvent put(StoreObject o) {
    long v = ++index;
    StoreObject old = get(o);
    Meta meta = Meta.newBuilder().setVersion(v).setCreatedAtMs(old == null ? v : meta(old).getCreatedAtMs()).build();
    StoreObject stamped = switch (o.getObjectCase()) {
      case NODE -> StoreObject.newBuilder().setNode(o.getNode().toBuilder().setMeta(meta)).build();
      case SERVICE -> StoreObject.newBuilder().setService(o.getService().toBuilder().setMeta(meta)).build();
      case TASK -> StoreObject.newBuilder().setTask(o.getTask().toBuilder().setMeta(meta)).build();
      case NETWORK -> StoreObject.newBuilder().setNetwork(o.getNetwork().toBuilder().setMeta(meta)).build();
      case CLUSTER -> StoreObject.newBuilder().setCluster(o.getCluster().toBuilder().setMeta(meta)).build();
      default -> throw new IllegalArgumentException(o.getObjectCase().toString());
    };
    switch (o.getObjectCase()) {
      case NODE -> nodes.put(stamped.getNode().getId(), stamped.getNode());
      case SERVICE -> services.put(stamped.getService().getId(), stamped.getService());
      case TASK -> tasks.put(stamped.getTask().getId(), stamped.getTask());
      case NETWORK -> networks.put(stamped.getNetwork().getId(), stamped.getNetwork());
      case CLUSTER -> cluster = stamped.getCluster();
      default -> throw new IllegalArgumentException();
    }
    return new StoreEvent(old == null ? StoreEvent.Kind.CREATE : StoreEvent.Kind.UPDATE, old, stamped, v);
  }

  public StoreEvent put(Node n) {
    return put(StoreObject.newBuilder().setNode(n).build());
  }

  public StoreEvent put(Service s) {
    return put(StoreObject.newBuilder().setService(s).build());
  }

  public StoreEvent put(Task t) {
    return put(StoreObject.newBuilder().setTask(t).build());
  }

  public StoreEvent put(Network n) {
    return put(StoreObject.newBuilder().setNetwork(n).build());
  }

  public StoreEvent put(Cluster c) {
    return put(StoreObject.newBuilder().setCluster(c).build());
  }

  /** Deletes the object of that kind and id; null when there is none. */
  public StoreEvent delete(StoreObject o) {
    StoreObject old = get(o);
    if (old == null) return null;
    switch (o.getObjectCase()) {
      case NODE -> nodes.remove(o.getNode().getId());
      case SERVICE -> services.remove(o.getService().getId());
      case TASK -> tasks.remove(o.getTask().getId());
      case NETWORK -> networks.remove(o.getNetwork().getId());
      default -> throw new IllegalArgumentException();
    }
    return new StoreEvent(StoreEvent.Kind.DELETE, old, null, ++index);
  }

  public StoreEvent delete(Task t) {
    return delete(StoreObject.newBuilder().setTask(t).build());
  }

  private StoreObject get(StoreObject o) {
    return switch (o.getObjectCase()) {
      case NODE -> Optional.ofNullable(nodes.get(o.getNode().getId())).map(x -> StoreObject.newBuilder().setNode(x).build()).orElse(null);
      case SERVICE -> Optional.ofNullable(services.get(o.getService().getId())).map(x -> StoreObject.newBuilder().setService(x).build()).orElse(null);
      case TASK -> Optional.ofNullable(tasks.get(o.getTask().getId())).map(x -> StoreObject.newBuilder().setTask(x).build()).orElse(null);
      case NETWORK -> Optional.ofNullable(networks.get(o.getNetwork().getId())).map(x -> StoreObject.newBuilder().setNetwork(x).build()).orElse(null);
      case CLUSTER -> cluster == null ? null : StoreObject.newBuilder().setCluster(cluster).build();
      default -> null;
    };
  }

  private static Meta meta(StoreObject o) {
    return switch (o.getObjectCase()) {
      case NODE -> o.getNode().getMeta();
      case SERVICE -> o.getService().getMeta();
      case TASK -> o.getTask().getMeta();
      case NETWORK -> o.getNetwork().getMeta();
      case CLUSTER -> o.getCluster().getMeta();
      default -> Meta.getDefaultInstance();
    };
  }

  public long index() {
    return index;
  }

  @Override public Optional<Node> node(String id) { return Optional.ofNullable(nodes.get(id)); }
  @Override public List<Node> nodes() { return List.copyOf(nodes.values()); }
  @Override public Optional<Service> service(String id) { return Optional.ofNullable(services.get(id)); }
  @Override public List<Service> services() { return List.copyOf(services.values()); }
  @Override public Optional<Service> serviceByName(String name) {
    return services.values().stream().filter(s -> s.getSpec().getName().equals(name)).findFirst();
  }
  @Override public Optional<Task> task(String id) { return Optional.ofNullable(tasks.get(id)); }
  @Override public List<Task> tasks() { return List.copyOf(tasks.values()); }
  @Override public List<Task> tasksByService(String serviceId) {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks.values()) if (t.getServiceId().equals(serviceId)) out.add(t);
    return out;
  }
  @Override public List<Task> tasksByNode(String nodeId) {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks.values()) if (t.getNodeId().equals(nodeId)) out.add(t);
    return out;
  }
  @Override public Optional<Cluster> cluster() { return Optional.ofNullable(cluster); }
  @Override public Optional<RegistryRepository> registryRepository(String name) { return Optional.empty(); }
  @Override public List<RegistryRepository> registryRepositories() { return List.of(); }
  @Override public Optional<RegistryBlob> registryBlob(String digest) { return Optional.empty(); }
  @Override public List<RegistryBlob> registryBlobs() { return List.of(); }
  @Override public Optional<Network> network(String id) { return Optional.ofNullable(networks.get(id)); }
  @Override public List<Network> networks() { return List.copyOf(networks.values()); }
  @Override public Optional<io.jswarm.api.Secret> secret(String id) { return Optional.empty(); }
  @Override public List<io.jswarm.api.Secret> secrets() { return List.of(); }
  @Override public Optional<Network> networkByName(String name) {
    return networks.values().stream().filter(n -> n.getSpec().getName().equals(name)).findFirst();
  }
}
