package io.jswarm.registry.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest {@code sha256:<64 lowercase hex>}. Only sha256 is stored; any other well-formed
 * algorithm is refused as UNSUPPORTED-by-digest (DIGEST_INVALID), and a malformed string is DIGEST_INVALID,
 * so that no caller ever sees an exception other than {@link RegistryException}.
 */
public record Digest(String hex) {
  private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
  private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

  public Digest {
    if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid sha256 hex: " + hex);
    }
  }

  /** Parses a digest; throws DIGEST_INVALID for anything that is not a well-formed sha256 digest. */
  public static Digest parse(String s) {
    if (s == null || s.length() > 200 || !GRAMMAR.matcher(s).matches()) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "malformed digest: " + abbreviate(s));
    }
    int colon = s.indexOf(':');
    String algorithm = s.substring(0, colon);
    if (!algorithm.equals("sha256")) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "unsupported digest algorithm: " + algorithm);
    }
    return new Digest(s.substring(colon + 1));
  }

  /** True when the string looks like a digest (contains ':'); tags never do. */
  public static boolean looksLikeDigest(String reference) {
    return reference.indexOf(':') >= 0;
  }

  public static Digest of(byte[] content) {
    return fromBytes(sha256().digest(content));
  }

  public static Digest fromBytes(byte[] sha256) {
    return new Digest(HexFormat.of().formatHex(sha256));
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
