package io.jswarm.registry.client;

/** A registry answered with an error, or could not be reached; the message says which and what to do. */
public final class RegistryClientException extends RuntimeException {
  private final int status;
  private final String code;

  public RegistryClientException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public RegistryClientException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.code = "";
  }

  /** The HTTP status, 0 when there was no answer. */
  public int status() {
    return status;
  }

  /** The distribution-spec error code (MANIFEST_UNKNOWN, …), or "". */
  public String code() {
    return code;
  }
}
