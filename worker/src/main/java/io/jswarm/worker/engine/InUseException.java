package io.jswarm.worker.engine;

/** The object is still needed by something else (an image by a container, a container id taken). */
public final class InUseException extends EngineException {
  public InUseException(String message) {
    super(message);
  }
}
