package io.jswarm.cli.commands;

/** How an image reference is shown in tables: without the pinned digest, as docker does. */
final class ImageRefs {
  private ImageRefs() {}

  static String display(String image) {
    int at = image.indexOf('@');
    return at < 0 ? image : image.substring(0, at);
  }
}
