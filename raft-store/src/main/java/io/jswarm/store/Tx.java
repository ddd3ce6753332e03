package io.jswarm.store;

import io.jswarm.api.Cluster;
import io.jswarm.api.Node;
import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryRepository;
import io.jswarm.api.Service;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;

/**
 * A transaction being built: reads see the current view plus this transaction's own changes.
 *
 * <p>Each object appears at most once in the proposed batch: changes to the same object are
 * folded (create+update is one create, update+delete is one delete, create+delete is nothing).
 * Versions are checked when the batch is applied, on every replica: an update or delete must
 * carry the {@code meta.version} it read. Mistakes visible inside the transaction itself (a
 * second create of an id, an update of an object this transaction deleted) fail the whole
 * update with a {@link ConflictException} before anything is proposed.
 *
 * <p>Reads are checked too: every object read by id or name, and every kind listed whole (tasks
 * excepted), is sent with the version seen, and the batch is refused at apply if any changed
 * ({@link StaleReadException}): what the transaction decided on still holds when it applies.
 */
public interface Tx extends StoreView {
  void create(StoreObject o);

  void update(StoreObject o);

  void delete(StoreObject o);

  default void create(Node n) { create(StoreObject.newBuilder().setNode(n).build()); }

  default void update(Node n) { update(StoreObject.newBuilder().setNode(n).build()); }

  default void delete(Node n) { delete(StoreObject.newBuilder().setNode(n).build()); }

  default void create(Service s) { create(StoreObject.newBuilder().setService(s).build()); }

  default void update(Service s) { update(StoreObject.newBuilder().setService(s).build()); }

  default void delete(Service s) { delete(StoreObject.newBuilder().setService(s).build()); }

  default void create(Task t) { create(StoreObject.newBuilder().setTask(t).build()); }

  default void update(Task t) { update(StoreObject.newBuilder().setTask(t).build()); }

  default void delete(Task t) { delete(StoreObject.newBuilder().setTask(t).build()); }

  default void create(Cluster c) { create(StoreObject.newBuilder().setCluster(c).build()); }

  default void update(Cluster c) { update(StoreObject.newBuilder().setCluster(c).build()); }

  default void delete(Cluster c) { delete(StoreObject.newBuilder().setCluster(c).build()); }

  default void create(RegistryRepository r) { create(StoreObject.newBuilder().setRegistryRepository(r).build()); }

  default void update(RegistryRepository r) { update(StoreObject.newBuilder().setRegistryRepository(r).build()); }

  default void delete(RegistryRepository r) { delete(StoreObject.newBuilder().setRegistryRepository(r).build()); }

  default void create(RegistryBlob b) { create(StoreObject.newBuilder().setRegistryBlob(b).build()); }

  default void update(RegistryBlob b) { update(StoreObject.newBuilder().setRegistryBlob(b).build()); }

  default void delete(RegistryBlob b) { delete(StoreObject.newBuilder().setRegistryBlob(b).build()); }

  default void create(io.jswarm.api.Network n) { create(StoreObject.newBuilder().setNetwork(n).build()); }

  default void update(io.jswarm.api.Network n) { update(StoreObject.newBuilder().setNetwork(n).build()); }

  default void delete(io.jswarm.api.Network n) { delete(StoreObject.newBuilder().setNetwork(n).build()); }

  default void create(io.jswarm.api.Secret x) { create(StoreObject.newBuilder().setSecret(x).build()); }

  default void update(io.jswarm.api.Secret x) { update(StoreObject.newBuilder().setSecret(x).build()); }

  default void delete(io.jswarm.api.Secret x) { delete(StoreObject.newBuilder().setSecret(x).build()); }
}
