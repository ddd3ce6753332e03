package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import java.util.List;
import java.util.function.Function;

/** Resolves what a user typed (an id, a unique id prefix, or a name) to one object, as Docker does. */
final class Refs {
  private Refs() {}

  /** For use inside lambdas that cannot throw checked exceptions. */
  static <T> T resolveUnchecked(String kind, String ref, List<T> all, Function<T, String> id, Function<T, String> name) {
    try {
      return resolve(kind, ref, all, id, name);
    } catch (StatusException e) {
      throw e.getStatus().asRuntimeException();
    }
  }

  static <T> T resolve(String kind, String ref, List<T> all, Function<T, String> id, Function<T, String> name)
      throws StatusException {
    if (ref == null || ref.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription(kind + " name or id is required").asException();
    }
    for (T t : all) if (id.apply(t).equals(ref)) return t;
    for (T t : all) if (name.apply(t).equals(ref)) return t;
    T found = null;
    for (T t : all) {
      if (id.apply(t).startsWith(ref)) {
        if (found != null) {
          throw Status.INVALID_ARGUMENT.withDescription(kind + " " + ref + " is ambiguous: more than one id starts with it").asException();
        }
        found = t;
      }
    }
    if (found == null) throw Status.NOT_FOUND.withDescription(kind + " " + ref + " not found").asException();
    return found;
  }
}
