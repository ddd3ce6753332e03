package io.jswarm.registry.client;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import io.jswarm.registry.core.Tag;

/**
 * {@code [REGISTRY/]REPO[:TAG][@DIGEST]} by Docker's rules: the first path component names a
 * registry only when it contains a {@code .} or a {@code :} or is {@code localhost}; otherwise the
 * reference has no registry ({@link #registry()} is null: a local image name). The tag defaults
 * to {@code latest} when there is no digest.
 *
 * @param registry host[:port], or null
 * @param repository the repository path inside the registry
 * @param tag the tag, or null
 * @param digest the digest, or null
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {

  public static ImageReference parse(String s) {
    if (s == null || s.isEmpty() || s.length() > 512 || s.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("invalid image reference: \"" + s + "\"");
    }
    String rest = s;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (RegistryException e) {
        throw new IllegalArgumentException("invalid digest in image reference " + s + ": " + e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    String registry = null;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
        if (!first.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
          throw new IllegalArgumentException("invalid registry host in image reference: " + s);
        }
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!Tag.isValid(tag)) {
        throw new IllegalArgumentException("invalid tag in image reference: " + s);
      }
    }
    try {
      RepoName.parse(rest);
    } catch (RegistryException e) {
      throw new IllegalArgumentException("invalid repository name in image reference " + s + ": " + e.getMessage());
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, rest, tag, digest);
  }

  /** True when the reference names a registry (and so can be pulled). */
  public boolean remote() {
    return registry != null;
  }

  /** The tag or digest to ask the registry's manifests endpoint for; the digest wins. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** The same repository pinned by {@code d}, without the tag. */
  public ImageReference withDigest(Digest d) {
    return new ImageReference(registry, repository, null, d);
  }

  /** REGISTRY/REPO without tag or digest. */
  public String name() {
    return registry == null ? repository : registry + "/" + repository;
  }

  @Override
  public String toString() {
    return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
