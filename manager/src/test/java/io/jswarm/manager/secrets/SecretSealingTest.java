package io.jswarm.manager.secrets;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Secret;
import io.jswarm.api.StoreObject;
import io.jswarm.pki.KeyWrap;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class SecretSealingTest {
  static final byte[] VALUE = "hunter2-the-plaintext-value".getBytes(StandardCharsets.UTF_8);
  final byte[] clusterKey = KeyWrap.newKey();

  Secret seal(String id, byte[] value) {
    return SecretSealing.seal(Secret.newBuilder().setId(id).setName("db").setVersionNumber(1), clusterKey, value).build();
  }

  @Test
  void aSealedSecretOpensWithTheClusterKeyAndCarriesNoPlaintext() throws Exception {
    Secret s = seal("id1", VALUE);
    assertArrayEquals(VALUE, SecretSealing.open(s, clusterKey));
    assertEquals(VALUE.length, s.getSize());
    // what the Raft log and snapshots hold is the serialized object
    String stored = new String(StoreObject.newBuilder().setSecret(s).build().toByteArray(), StandardCharsets.ISO_8859_1);
    assertFalse(stored.contains("hunter2"), "plaintext in the stored bytes");
    assertFalse(stored.contains(new String(clusterKey, StandardCharsets.ISO_8859_1)), "the cluster key in the stored bytes");
  }

  @Test
  void eachSecretHasItsOwnDataKeyAndNonce() {
    Secret a = seal("id1", VALUE);
    Secret b = seal("id1", VALUE);
    assertNotEquals(a.getSealedData(), b.getSealedData());
    assertNotEquals(a.getWrappedKey(), b.getWrappedKey());
  }

  @Test
  void anotherClusterKeyOrAMissingOneCannotOpenIt() {
    Secret s = seal("id1", VALUE);
    assertThrows(GeneralSecurityException.class, () -> SecretSealing.open(s, KeyWrap.newKey()));
    assertThrows(GeneralSecurityException.class, () -> SecretSealing.open(s, null));
    assertThrows(IllegalStateException.class, () -> SecretSealing.seal(Secret.newBuilder().setId("x"), null, VALUE));
  }

  @Test
  void aSealedValueMovedOntoAnotherSecretOrAlteredIsRefused() {
    Secret a = seal("id1", VALUE);
    Secret b = seal("id2", "other".getBytes(StandardCharsets.UTF_8));
    Secret swapped = b.toBuilder().setSealedData(a.getSealedData()).setWrappedKey(a.getWrappedKey()).build();
    assertThrows(GeneralSecurityException.class, () -> SecretSealing.open(swapped, clusterKey));
    byte[] bytes = a.getSealedData().toByteArray();
    bytes[bytes.length - 1] ^= 1;
    Secret altered = a.toBuilder().setSealedData(com.google.protobuf.ByteString.copyFrom(bytes)).build();
    assertThrows(GeneralSecurityException.class, () -> SecretSealing.open(altered, clusterKey));
  }

  @Test
  void redactedDropsTheSealedValueAndKey() {
    Secret r = SecretSealing.redacted(seal("id1", VALUE));
    assertTrue(r.getSealedData().isEmpty() && r.getWrappedKey().isEmpty());
    assertEquals("db", r.getName());
    assertEquals(VALUE.length, r.getSize());
  }
}
