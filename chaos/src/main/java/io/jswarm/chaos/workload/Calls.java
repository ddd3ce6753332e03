package io.jswarm.chaos.workload;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jswarm.chaos.history.Op;

/** How an API error ends an operation in the history: certainly not done (FAIL) or unknown (INFO). */
final class Calls {
  private Calls() {}

  /**
   * Only answers that say the request was refused before it could be applied are FAIL: a version
   * conflict, a missing or invalid object, a refused precondition. A timeout, a lost connection or
   * an internal error may hide an applied write, so they are INFO.
   */
  static Op.Type outcome(StatusRuntimeException e) {
    Status.Code c = e.getStatus().getCode();
    return switch (c) {
      case ABORTED, NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED -> Op.Type.FAIL;
      default -> Op.Type.INFO;
    };
  }

  static String brief(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    return e.getStatus().getCode() + (d == null ? "" : ": " + (d.length() > 160 ? d.substring(0, 160) : d));
  }
}
