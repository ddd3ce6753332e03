package io.jswarm.store;

/**
 * The write could not be confirmed in time: no leader, no quorum, or this member is closed.
 * The message says what was seen and what to do. A write that timed out may still be applied
 * later (once a quorum is back), so re-read before retrying.
 */
public class UnavailableException extends StoreException {
  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
