package io.jswarm.worker.engine;

/**
 * A filesystem to mount into a container.
 *
 * @param kind bind (source: an existing absolute host path), volume (source: a volume name,
 *     resolved by {@link Volumes} under the data root) or tmpfs (no source)
 * @param sizeBytes tmpfs only; 0 = the kernel's default
 */
public record MountSpec(Kind kind, String source, String target, boolean readonly, long sizeBytes) {
  public enum Kind { BIND, VOLUME, TMPFS }

  public MountSpec {
    if (target == null || !target.startsWith("/")) throw new IllegalArgumentException("invalid mount target: " + target);
    source = source == null ? "" : source;
  }
}
