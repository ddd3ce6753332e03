package io.jswarm.pki;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/**
 * The digest a join token carries: SHA-256 of the root certificate's DER, in base 36, 50 chars
 * (Swarm's format). A joiner compares it with the root a manager shows before it trusts that root.
 */
public final class CaDigest {
  public static final int LENGTH = 50;

  private CaDigest() {}

  public static String of(X509Certificate root) {
    try {
      return base36(MessageDigest.getInstance("SHA-256").digest(root.getEncoded()), LENGTH);
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest the root certificate", e);
    }
  }

  public static String base36(byte[] b, int width) {
    String s = new BigInteger(1, b).toString(36);
    StringBuilder sb = new StringBuilder(width);
    for (int i = s.length(); i < width; i++) sb.append('0');
    sb.append(s);
    return sb.length() > width ? sb.substring(sb.length() - width) : sb.toString();
  }
}
