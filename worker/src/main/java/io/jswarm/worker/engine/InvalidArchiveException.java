package io.jswarm.worker.engine;

/**
 * An archive is not a tar, or one of its entries would escape the directory it is unpacked into
 * (absolute path, {@code ..}, a write through a symlink, a hard link to outside). Nothing of the
 * archive is kept when this is thrown.
 */
public final class InvalidArchiveException extends IllegalArgumentException {
  public InvalidArchiveException(String message) {
    super(message);
  }

  public InvalidArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
