package io.jswarm.registry.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.jswarm.registry.core.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP basic authentication against an htpasswd file of bcrypt entries ({@code user:$2y$…}), the
 * format {@code htpasswd -B} writes. Verified credentials are remembered (as a SHA-256 of user and
 * password) so that bcrypt's deliberate slowness is paid once per client, not per request.
 */
public final class BasicAuth {
  private final Map<String, String> hashes;
  /** SHA-256 of a verified Authorization header → its user. */
  private final Map<Digest, String> verified = new ConcurrentHashMap<>();

  private BasicAuth(Map<String, String> hashes) {
    this.hashes = hashes;
  }

  public static BasicAuth load(Path htpasswd) {
    Map<String, String> hashes = new HashMap<>();
    try {
      for (String line : Files.readAllLines(htpasswd, StandardCharsets.UTF_8)) {
        int colon = line.indexOf(':');
        if (line.isBlank() || line.startsWith("#") || colon < 0) {
          continue;
        }
        String hash = line.substring(colon + 1).trim();
        if (!hash.startsWith("$2")) {
          throw new IllegalArgumentException("htpasswd entry for " + line.substring(0, colon)
              + " is not bcrypt; create it with htpasswd -B");
        }
        hashes.put(line.substring(0, colon), hash);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BasicAuth(hashes);
  }

  /** True when the Authorization header is present and is cached as verified (no bcrypt needed). */
  boolean knownGood(String authorization) {
    return knownUser(authorization) != null;
  }

  /** The user of an Authorization header cached as verified, or null (then ask {@link #verifiedUser}). */
  String knownUser(String authorization) {
    return authorization == null ? null : verified.get(Digest.of(authorization.getBytes(StandardCharsets.UTF_8)));
  }

  /** Verifies an Authorization header; slow (bcrypt): call off the event loop. */
  boolean verify(String authorization) {
    return verifiedUser(authorization) != null;
  }

  /** The user a Basic Authorization header logs in as, or null when it does not; slow (bcrypt). */
  String verifiedUser(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    String user = colon < 0 ? null : decoded.substring(0, colon);
    String hash = user == null ? null : hashes.get(user);
    if (hash == null) {
      return null;
    }
    boolean ok = BCrypt.verifyer().verify(decoded.substring(colon + 1).toCharArray(), hash.toCharArray()).verified;
    if (ok) {
      verified.put(Digest.of(authorization.getBytes(StandardCharsets.UTF_8)), user);
    }
    return ok ? user : null;
  }
}
