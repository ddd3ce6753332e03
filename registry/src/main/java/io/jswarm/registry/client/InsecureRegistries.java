package io.jswarm.registry.client;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which registries may be spoken to in plain HTTP, Docker's {@code --insecure-registry}: entries
 * {@code HOST:PORT} (that port) or {@code HOST} (any port); loopback ({@code 127.0.0.0/8},
 * {@code localhost}, {@code ::1}) always, as in Docker's default. Every other registry is HTTPS
 * only: a TLS or certificate failure is an error, never a reason to try HTTP.
 */
public final class InsecureRegistries implements Predicate<String> {
  private final Set<String> entries;

  private InsecureRegistries(Set<String> entries) {
    this.entries = entries;
  }

  /** Loopback only. */
  public static InsecureRegistries loopback() {
    return new InsecureRegistries(Set.of());
  }

  /** Loopback and the given {@code HOST[:PORT]} entries. */
  public static InsecureRegistries of(Collection<String> entries) {
    return new InsecureRegistries(entries.stream().map(e -> e.trim().toLowerCase(Locale.ROOT))
        .filter(e -> !e.isEmpty()).collect(Collectors.toUnmodifiableSet()));
  }

  /** @param registry HOST:PORT or HOST as in an image reference */
  @Override
  public boolean test(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    String host = host(r);
    return isLoopback(host) || entries.contains(r) || entries.contains(host);
  }

  /** The host part of HOST[:PORT] ({@code [v6]:port} too), without brackets. */
  static String host(String registry) {
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      return close < 0 ? registry : registry.substring(1, close);
    }
    int colon = registry.indexOf(':');
    return colon < 0 || registry.indexOf(':', colon + 1) >= 0 ? registry : registry.substring(0, colon);
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("::1") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  @Override
  public String toString() {
    return "loopback" + (entries.isEmpty() ? "" : " + " + entries);
  }
}
