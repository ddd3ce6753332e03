package io.jswarm.registry.core;

/** The error codes of the OCI Distribution Spec v1.1, each with the HTTP status we answer it with. */
public enum ErrorCode {
  BLOB_UNKNOWN(404),
  BLOB_UPLOAD_INVALID(400),
  BLOB_UPLOAD_UNKNOWN(404),
  DIGEST_INVALID(400),
  MANIFEST_BLOB_UNKNOWN(400),
  MANIFEST_INVALID(400),
  MANIFEST_UNKNOWN(404),
  NAME_INVALID(400),
  NAME_UNKNOWN(404),
  SIZE_INVALID(400),
  UNAUTHORIZED(401),
  DENIED(403),
  UNSUPPORTED(405),
  TOO_MANY_REQUESTS(429),
  /** Not in the OCI list; Docker distribution's code for a registry that cannot serve now. */
  UNAVAILABLE(503);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP status used when no more specific one is given. */
  public int status() {
    return status;
  }
}
