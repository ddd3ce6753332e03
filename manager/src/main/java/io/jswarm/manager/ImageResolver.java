package io.jswarm.manager;

import java.util.Optional;

/**
 * Turns the image a user named into the content id that tasks pin, so every replica runs the
 * same bytes even if the tag moves. Until the cluster registry exists the daemon answers from
 * its local image store.
 */
@FunctionalInterface
public interface ImageResolver {
  /**
   * The image's id ("sha256:…") or empty when no such image is known. {@code reference} is what
   * the user gave: NAME[:TAG], NAME@DIGEST, or REGISTRY/REPO[:TAG|@DIGEST], which the daemon resolves
   * through that registry to the manifest digest.
   */
  Optional<String> resolve(String reference);
}
