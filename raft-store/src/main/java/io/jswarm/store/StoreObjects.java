package io.jswarm.store;

import io.jswarm.api.Meta;
import io.jswarm.api.StoreObject;

/** Reads and rewrites the id and meta of whichever object a {@link StoreObject} wraps. */
final class StoreObjects {
  private StoreObjects() {}

  /** A key unique across kinds: the kind's case number and the id. */
  record Key(StoreObject.ObjectCase kind, String id) {
    @Override
    public String toString() {
      return kindName(kind) + " " + id;
    }
  }

  static Key key(StoreObject o) {
    return new Key(o.getObjectCase(), id(o));
  }

  static String kindName(StoreObject.ObjectCase kind) {
    return switch (kind) {
      case NODE -> "node";
      case SERVICE -> "service";
      case TASK -> "task";
      case CLUSTER -> "cluster";
      case REGISTRY_REPOSITORY -> "registry repository";
      case REGISTRY_BLOB -> "registry blob";
      case NETWORK -> "network";
      case SECRET -> "secret";
      case OBJECT_NOT_SET -> "empty object";
    };
  }

  static String id(StoreObject o) {
    return switch (o.getObjectCase()) {
      case NODE -> o.getNode().getId();
      case SERVICE -> o.getService().getId();
      case TASK -> o.getTask().getId();
      case CLUSTER -> o.getCluster().getId();
      case REGISTRY_REPOSITORY -> o.getRegistryRepository().getName();
      case REGISTRY_BLOB -> o.getRegistryBlob().getDigest();
      case NETWORK -> o.getNetwork().getId();
      case SECRET -> o.getSecret().getId();
      case OBJECT_NOT_SET -> "";
    };
  }

  static Meta meta(StoreObject o) {
    return switch (o.getObjectCase()) {
      case NODE -> o.getNode().getMeta();
      case SERVICE -> o.getService().getMeta();
      case TASK -> o.getTask().getMeta();
      case CLUSTER -> o.getCluster().getMeta();
      case REGISTRY_REPOSITORY -> o.getRegistryRepository().getMeta();
      case REGISTRY_BLOB -> o.getRegistryBlob().getMeta();
      case NETWORK -> o.getNetwork().getMeta();
      case SECRET -> o.getSecret().getMeta();
      case OBJECT_NOT_SET -> Meta.getDefaultInstance();
    };
  }

  static long version(StoreObject o) {
    return meta(o).getVersion();
  }

  static StoreObject withMeta(StoreObject o, Meta meta) {
    return switch (o.getObjectCase()) {
      case NODE -> StoreObject.newBuilder().setNode(o.getNode().toBuilder().setMeta(meta)).build();
      case SERVICE ->
          StoreObject.newBuilder().setService(o.getService().toBuilder().setMeta(meta)).build();
      case TASK -> StoreObject.newBuilder().setTask(o.getTask().toBuilder().setMeta(meta)).build();
      case CLUSTER ->
          StoreObject.newBuilder().setCluster(o.getCluster().toBuilder().setMeta(meta)).build();
      case REGISTRY_REPOSITORY -> StoreObject.newBuilder()
          .setRegistryRepository(o.getRegistryRepository().toBuilder().setMeta(meta)).build();
      case REGISTRY_BLOB ->
          StoreObject.newBuilder().setRegistryBlob(o.getRegistryBlob().toBuilder().setMeta(meta)).build();
      case NETWORK -> StoreObject.newBuilder().setNetwork(o.getNetwork().toBuilder().setMeta(meta)).build();
      case SECRET -> StoreObject.newBuilder().setSecret(o.getSecret().toBuilder().setMeta(meta)).build();
      case OBJECT_NOT_SET -> o;
    };
  }

  static String describe(StoreObject o) {
    return kindName(o.getObjectCase()) + " " + id(o);
  }
}
