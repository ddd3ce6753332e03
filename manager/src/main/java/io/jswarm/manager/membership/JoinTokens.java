package io.jswarm.manager.membership;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Join tokens in Swarm's format, {@code SWMTKN-1-<CA digest>-<secret>}: the digest is the
 * base-36 SHA-256 of the swarm's root certificate (50 chars, {@code io.jswarm.pki.CaDigest}), the secret 128 random bits in base 36
 * (25 chars). A worker token and a manager token share the digest and differ in the secret.
 */
public final class JoinTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "SWMTKN-1-";

  private JoinTokens() {}

  public record Parsed(String caDigest, String secret) {}

  public static String newToken(String caDigest) {
    byte[] secret = new byte[16];
    RANDOM.nextBytes(secret);
    return PREFIX + caDigest + "-" + base36(secret, 25);
  }

  public static Optional<Parsed> parse(String token) {
    if (token == null || !token.startsWith(PREFIX)) return Optional.empty();
    String rest = token.substring(PREFIX.length());
    int dash = rest.indexOf('-');
    if (dash != 50 || rest.length() != 50 + 1 + 25) return Optional.empty();
    String digest = rest.substring(0, dash);
    String secret = rest.substring(dash + 1);
    if (!digest.matches("[0-9a-z]{50}") || !secret.matches("[0-9a-z]{25}")) return Optional.empty();
    return Optional.of(new Parsed(digest, secret));
  }

  /** Compares two tokens in time independent of where they differ. */
  public static boolean matches(String presented, String expected) {
    if (presented == null || expected == null || expected.isEmpty()) return false;
    return MessageDigest.isEqual(sha256(presented.getBytes(StandardCharsets.UTF_8)),
        sha256(expected.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base36(byte[] b, int width) {
    String s = new BigInteger(1, b).toString(36);
    StringBuilder sb = new StringBuilder(width);
    for (int i = s.length(); i < width; i++) sb.append('0');
    sb.append(s);
    return sb.length() > width ? sb.substring(sb.length() - width) : sb.toString();
  }
}
