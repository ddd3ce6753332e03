package io.jswarm.registry.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Who may use a registry that requires a login (htpasswd) without one of its users: clients
 * without credentials may pull when anonymous pull is on, and the cluster's own nodes log in with
 * the cluster's node credential (user {@value #NODE_USER}, the cluster's registry secret). Both are
 * asked per request, so a change of the cluster's settings applies at once.
 */
public interface RegistryAccess {
  String NODE_USER = "jswarm-node";

  /** True when unauthenticated GET/HEAD of pull endpoints are served. */
  boolean anonymousPull();

  /** True when {@code authorization} is the cluster's node credential. */
  boolean node(String authorization);

  /** A registry alone: only its htpasswd users. */
  RegistryAccess NONE = of(() -> false, () -> null);

  /**
   * @param anonymousPull read per request
   * @param nodeSecret the cluster's registry secret, or null/empty when there is none
   */
  static RegistryAccess of(BooleanSupplier anonymousPull, Supplier<String> nodeSecret) {
    return new RegistryAccess() {
      @Override
      public boolean anonymousPull() {
        return anonymousPull.getAsBoolean();
      }

      @Override
      public boolean node(String authorization) {
        String secret = nodeSecret.get();
        if (secret == null || secret.isEmpty() || authorization == null) return false;
        return MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8),
            nodeAuthorization(secret).getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  /** The Authorization header value of the node credential. */
  static String nodeAuthorization(String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((NODE_USER + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
