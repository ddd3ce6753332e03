package io.jswarm.store;

import static io.jswarm.store.Fixtures.batch;
import static io.jswarm.store.Fixtures.create;
import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.jswarm.api.Secret;
import io.jswarm.api.StoreObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Secrets and configs (sealed) are stored, versioned, digested and snapshotted like any other kind. */
@Timeout(10)
class SecretKindTest {
  private static StoreObject secret(String id, Secret.Kind kind) {
    return StoreObject.newBuilder().setSecret(Secret.newBuilder().setId(id).setKind(kind).setName("db")
        .setVersionNumber(1).setSealedData(ByteString.copyFromUtf8("sealed"))).build();
  }

  @Test
  void storedByIdWithVersionsAndInSnapshotsAndDigest() {
    ObjectStore store = new ObjectStore();
    String empty = store.digest();
    assertNull(store.apply(batch(1, create(secret("s1", Secret.Kind.SECRET)), create(secret("c1", Secret.Kind.CONFIG))), 5));
    assertNotEquals(empty, store.digest());
    assertEquals(5, store.read(v -> v.secret("s1")).orElseThrow().getMeta().getVersion());
    assertEquals(2, store.read(v -> v.secrets()).size());
    assertNotNull(store.apply(batch(2, create(secret("s1", Secret.Kind.SECRET))), 6), "an id is created once");

    ObjectStore copy = new ObjectStore();
    copy.restore(store.toSnapshot());
    assertEquals(store.digest(), copy.digest());
    assertEquals(Secret.Kind.CONFIG, copy.read(v -> v.secret("c1")).orElseThrow().getKind());
  }
}
