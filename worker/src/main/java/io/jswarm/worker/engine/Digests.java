package io.jswarm.worker.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 content addresses written as {@code sha256:<hex>}. */
final class Digests {
  private Digests() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String of(byte[] content) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(content));
  }

  static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }

  /** The hex part of {@code sha256:<hex>}. */
  static String hexOf(String digest) {
    if (!digest.startsWith("sha256:") || !digest.substring(7).matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    return digest.substring(7);
  }
}
