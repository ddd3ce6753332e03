package io.jswarm.net;

/** A kernel or tool operation failed; the message carries the tool's own error text. */
public class NetException extends RuntimeException {
  public NetException(String message) {
    super(message);
  }

  public NetException(String message, Throwable cause) {
    super(message, cause);
  }
}
