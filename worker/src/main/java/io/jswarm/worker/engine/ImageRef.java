package io.jswarm.worker.engine;

/** NAME[:TAG] references; the tag defaults to {@code latest}. */
final class ImageRef {
  private ImageRef() {}

  static String normalize(String ref) {
    if (ref == null || ref.isBlank()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    if (ref.contains("@") || ref.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid image reference: " + ref);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    if (colon > slash) {
      if (colon == ref.length() - 1 || colon == 0) {
        throw new IllegalArgumentException("invalid image reference: " + ref);
      }
      return ref;
    }
    return ref + ":latest";
  }
}
