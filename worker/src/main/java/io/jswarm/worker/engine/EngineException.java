package io.jswarm.worker.engine;

/** A local engine operation failed; the message says what and, for commands, carries their stderr. */
public class EngineException extends RuntimeException {
  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
