package io.jswarm.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A node's key pair and its certificate signing request. The private key is made on the node and
 * never leaves it: only the CSR (public key plus a signature proving possession) is sent.
 */
public final class NodeKeys {
  static final String SIGNATURE = "SHA256withECDSA";

  private NodeKeys() {}

  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no ECDSA P-256 in this JDK", e);
    }
  }

  /** DER of a PKCS#10 request for {@code cn}; the CA replaces the subject with its own records. */
  public static byte[] csr(KeyPair keys, String cn) {
    try {
      PKCS10CertificationRequest r = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + cn), keys.getPublic())
          .build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate()));
      return r.getEncoded();
    } catch (OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a certificate request", e);
    }
  }
}
