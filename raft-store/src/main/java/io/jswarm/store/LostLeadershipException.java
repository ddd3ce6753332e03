package io.jswarm.store;

/**
 * A leader component's write was not applied because this member is not (or no longer) the
 * leader of the term the write was computed under: refused before proposing, or refused at
 * apply because a newer leader appended it (swarmkit's ErrLostLeadership). The component
 * should stop its pass; the new leader's components redo the work from the store.
 */
public class LostLeadershipException extends ConflictException {
  public LostLeadershipException(String message) {
    super(message);
  }
}
