package io.jswarm.pki;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing of secrets that live in the Raft store (the root CA's key). The key that
 * seals them — the cluster key — is never in the log or a snapshot: each manager keeps it in its
 * data root (mode 0600) and hands it only to a manager joining over mutual TLS. A copy of the Raft
 * log or a snapshot therefore does not give away the CA.
 */
public final class KeyWrap {
  public static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyWrap() {}

  public static byte[] newKey() {
    byte[] k = new byte[KEY_BYTES];
    RANDOM.nextBytes(k);
    return k;
  }

  /** nonce || ciphertext+tag; {@code aad} binds the blob to its purpose (e.g. the cluster id). */
  public static byte[] seal(byte[] key, byte[] plain, byte[] aad) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      byte[] ct = c.doFinal(plain);
      return ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** @throws GeneralSecurityException when the key is wrong or the blob was altered */
  public static byte[] open(byte[] key, byte[] sealed, byte[] aad) throws GeneralSecurityException {
    if (key == null || key.length != KEY_BYTES) throw new GeneralSecurityException("no cluster key on this manager");
    if (sealed.length < NONCE_BYTES + 16) throw new GeneralSecurityException("sealed blob too short");
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, NONCE_BYTES));
    c.updateAAD(aad);
    return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
  }
}
