package io.jswarm.registry.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a request does. The first three are the actions of Docker's token scopes
 * ({@code repository:NAME:pull,push,delete}); the last two have no scope name because they are
 * not about one repository and are never granted by a token.
 */
public enum Action {
  /** GET/HEAD of manifests, blobs, tags, referrers. */
  PULL,
  /** POST/PUT/PATCH of uploads and manifests (and an upload's status or cancel). */
  PUSH,
  /** DELETE of manifests and blobs. */
  DELETE,
  /** The managers' peer endpoints ({@code /_jswarm/…}, blob copies between managers). */
  PEER,
  /** Garbage collection; checked by whoever offers it (the Control API), the registry has no gc endpoint. */
  GC;

  /** The actions a token scope may name. */
  public static final Set<Action> SCOPED = EnumSet.of(PULL, PUSH, DELETE);

  /** The scope name ({@code pull}, {@code push}, {@code delete}); only for {@link #SCOPED} actions. */
  public String scopeName() {
    if (!SCOPED.contains(this)) {
      throw new IllegalStateException(this + " has no scope name");
    }
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code pull}/{@code push}/{@code delete}, and {@code *} for all three; anything else is ignored (empty). */
  public static Set<Action> fromScopeName(String s) {
    return switch (s.trim()) {
      case "pull" -> EnumSet.of(PULL);
      case "push" -> EnumSet.of(PUSH);
      case "delete" -> EnumSet.of(DELETE);
      case "*" -> EnumSet.copyOf(SCOPED);
      default -> EnumSet.noneOf(Action.class);
    };
  }
}
