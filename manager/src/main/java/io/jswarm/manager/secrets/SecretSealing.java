package io.jswarm.manager.secrets;

import com.google.protobuf.ByteString;
import io.jswarm.api.Secret;
import io.jswarm.pki.KeyWrap;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Envelope encryption of a secret's value for the Raft store: the value is sealed (AES-256-GCM)
 * under a data key made for this one object, and the data key is sealed under the cluster key.
 * The cluster key never enters the log or a snapshot (each manager keeps it in its data root and
 * hands it only to a manager joining over mutual TLS, see {@link KeyWrap}), so a copy of the log
 * or of a snapshot gives away no value. A data key per object keeps a future re-wrap (a cluster
 * key rotation, autolock) to rewriting 60 bytes per secret, never the values. The additional data
 * binds each blob to its object id, so a sealed value cannot be swapped onto another secret.
 */
public final class SecretSealing {
  private SecretSealing() {}

  /** {@code s} (its id set) with {@code value} sealed and its size recorded. */
  public static Secret.Builder seal(Secret.Builder s, byte[] clusterKey, byte[] value) {
    if (clusterKey == null || clusterKey.length != KeyWrap.KEY_BYTES) {
      throw new IllegalStateException("this manager holds no cluster key, so it cannot seal a secret; ask another manager");
    }
    byte[] dataKey = KeyWrap.newKey();
    try {
      return s.setSize(value.length)
          .setSealedData(ByteString.copyFrom(KeyWrap.seal(dataKey, value, valueAad(s.getId()))))
          .setWrappedKey(ByteString.copyFrom(KeyWrap.seal(clusterKey, dataKey, keyAad(s.getId()))));
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /** The value, for delivery to a worker. @throws GeneralSecurityException wrong key or altered blob */
  public static byte[] open(Secret s, byte[] clusterKey) throws GeneralSecurityException {
    byte[] dataKey = KeyWrap.open(clusterKey, s.getWrappedKey().toByteArray(), keyAad(s.getId()));
    try {
      return KeyWrap.open(dataKey, s.getSealedData().toByteArray(), valueAad(s.getId()));
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /** What the Control API returns: everything but the sealed value and key. */
  public static Secret redacted(Secret s) {
    return s.toBuilder().clearSealedData().clearWrappedKey().build();
  }

  private static byte[] valueAad(String id) {
    return ("jswarm secret value " + id).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] keyAad(String id) {
    return ("jswarm secret key " + id).getBytes(StandardCharsets.UTF_8);
  }
}
