package io.jswarm.registry.auth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who a request comes from and what it may do: actions allowed on every repository
 * ({@code everywhere}: a login, a certificate) and actions allowed per repository (a token's
 * scopes).
 *
 * @param subject for logs and token subjects: a user name, a node id, {@code anonymous}
 * @param source how the principal was established
 */
public record Principal(String subject, Source source, Set<Action> everywhere, Map<String, Set<Action>> repositories) {

  /** How a principal was established. */
  public enum Source {
    /** No credentials. */
    ANONYMOUS,
    /** An htpasswd login (HTTP Basic). */
    USER,
    /** The cluster's shared node secret (HTTP Basic, the pre-certificate path). */
    NODE_SECRET,
    /** A client certificate issued by the swarm's CA. */
    CERTIFICATE,
    /** A Bearer token this registry issued. */
    TOKEN
  }

  public Principal {
    everywhere = everywhere.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(everywhere));
    repositories = Map.copyOf(repositories);
  }

  public static Principal anonymous(boolean mayPull) {
    return new Principal("anonymous", Source.ANONYMOUS, mayPull ? EnumSet.of(Action.PULL) : Set.of(), Map.of());
  }

  public static Principal of(String subject, Source source, Set<Action> everywhere) {
    return new Principal(subject, source, everywhere, Map.of());
  }

  /** True unless nobody said who they are: a valid token counts, even one with no scopes. */
  public boolean authenticated() {
    return source != Source.ANONYMOUS;
  }

  public boolean allows(Action a, String repository) {
    return everywhere.contains(a) || (repository != null && repositories.getOrDefault(repository, Set.of()).contains(a));
  }

  /** The actions allowed on one repository. */
  public Set<Action> actionsOn(String repository) {
    EnumSet<Action> s = EnumSet.noneOf(Action.class);
    s.addAll(everywhere);
    s.addAll(repositories.getOrDefault(repository, Set.of()));
    return s;
  }

  /** Both principals' rights (a request with a client certificate and a login); named after the stronger source. */
  public Principal and(Principal other) {
    if (!other.authenticated()) {
      return this;
    }
    if (!authenticated()) {
      return other;
    }
    EnumSet<Action> all = EnumSet.noneOf(Action.class);
    all.addAll(everywhere);
    all.addAll(other.everywhere);
    Map<String, Set<Action>> repos = new HashMap<>(repositories);
    other.repositories.forEach((k, v) -> repos.merge(k, v, (a, b) -> {
      EnumSet<Action> m = EnumSet.noneOf(Action.class);
      m.addAll(a);
      m.addAll(b);
      return m;
    }));
    return new Principal(subject, source, all, repos);
  }
}
