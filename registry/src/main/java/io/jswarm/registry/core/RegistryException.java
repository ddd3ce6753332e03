package io.jswarm.registry.core;

/**
 * A failure the client caused or must see, carrying the spec's error code. Thrown anywhere inside the
 * registry and turned into an HTTP error body once, at the edge ({@code http.Replies}).
 */
public final class RegistryException extends RuntimeException {
  private final ErrorCode code;
  private final int status;
  private final Object detail;

  public RegistryException(ErrorCode code, String message) {
    this(code, code.status(), message, null);
  }

  public RegistryException(ErrorCode code, int status, String message, Object detail) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
    this.detail = detail;
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return status;
  }

  /** Extra JSON-serialisable detail, or null. */
  public Object detail() {
    return detail;
  }
}
