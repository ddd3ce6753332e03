package io.jswarm.worker.engine;

/** The named image or container does not exist on this node. */
public final class NotFoundException extends EngineException {
  public NotFoundException(String message) {
    super(message);
  }
}
