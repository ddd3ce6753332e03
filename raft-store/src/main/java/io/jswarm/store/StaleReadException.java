package io.jswarm.store;

/**
 * The batch was refused because an object it read (or a kind it listed) changed before it
 * applied; nothing was applied. {@link RaftStore#update} computes such a write again.
 */
public class StaleReadException extends ConflictException {
  public StaleReadException(String message) {
    super(message);
  }
}
