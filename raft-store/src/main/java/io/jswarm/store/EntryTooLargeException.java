package io.jswarm.store;

/**
 * The write is larger than one Raft entry may be ({@link BatchLimits}); nothing was proposed.
 * A leader pass splits its changes with {@link BatchWriter}; a single change this big is a bug.
 */
public class EntryTooLargeException extends StoreException {
  public EntryTooLargeException(String message) {
    super(message);
  }
}
