package io.jswarm.store;

/**
 * The batch was rejected as a whole (nothing applied) because one action did not fit the
 * state: an id that exists, a stale version, a taken service name. Re-read and retry.
 */
public class ConflictException extends StoreException {
  public ConflictException(String message) {
    super(message);
  }
}
