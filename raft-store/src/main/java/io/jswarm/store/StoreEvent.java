package io.jswarm.store;

import io.jswarm.api.StoreObject;

/**
 * One applied change. {@code oldObject} is null on CREATE, {@code newObject} null on DELETE;
 * {@code index} is the Raft log index of the batch that made the change (and so the new
 * object's {@code meta.version}).
 */
public record StoreEvent(Kind kind, StoreObject oldObject, StoreObject newObject, long index) {
  public enum Kind { CREATE, UPDATE, DELETE }

  /** The object after the change, or before it for a DELETE. */
  public StoreObject object() {
    return newObject != null ? newObject : oldObject;
  }
}
