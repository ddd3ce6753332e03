package io.jswarm.store;

import static io.jswarm.store.Fixtures.batch;
import static io.jswarm.store.Fixtures.create;
import static io.jswarm.store.Fixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryHolder;
import io.jswarm.api.RegistryRepository;
import io.jswarm.api.StoreObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The registry's object kinds are stored, versioned, digested and snapshotted like any other. */
@Timeout(10)
class RegistryKindsTest {
  private static StoreObject repo(String name) {
    return StoreObject.newBuilder().setRegistryRepository(RegistryRepository.newBuilder().setName(name)
        .addBlobs("sha256:" + "a".repeat(64)).putTags("1", "sha256:" + "b".repeat(64))).build();
  }

  private static StoreObject blob(String digest, String... holders) {
    RegistryBlob.Builder b = RegistryBlob.newBuilder().setDigest(digest).setSize(3);
    for (String h : holders) b.addHolders(RegistryHolder.newBuilder().setNodeId(h).setAddr(h + ":5000"));
    return StoreObject.newBuilder().setRegistryBlob(b).build();
  }

  @Test
  void storedByIdWithVersionsAndInSnapshotsAndDigest() {
    ObjectStore store = new ObjectStore();
    String d = "sha256:" + "c".repeat(64);
    String empty = store.digest();
    assertNull(store.apply(batch(1, create(repo("library/busybox")), create(blob(d, "n1"))), 5));
    assertNotEquals(empty, store.digest());
    RegistryRepository r = store.read(v -> v.registryRepository("library/busybox")).orElseThrow();
    assertEquals(5, r.getMeta().getVersion());
    assertEquals("sha256:" + "b".repeat(64), r.getTagsMap().get("1"));
    assertEquals(1, store.read(v -> v.registryBlobs()).size());

    RegistryBlob b = store.read(v -> v.registryBlob(d)).orElseThrow();
    StoreObject stale = blob(d, "n1", "n2");
    assertNotNull(store.apply(batch(2, update(stale)), 6), "an update without the read version is stale");
    StoreObject fresh = StoreObject.newBuilder().setRegistryBlob(stale.getRegistryBlob().toBuilder()
        .setMeta(b.getMeta())).build();
    assertNull(store.apply(batch(2, update(fresh)), 7));
    assertEquals(2, store.read(v -> v.registryBlob(d)).orElseThrow().getHoldersCount());

    ObjectStore copy = new ObjectStore();
    copy.restore(store.toSnapshot());
    assertEquals(store.digest(), copy.digest());
    assertTrue(copy.read(v -> v.registryRepository("library/busybox")).isPresent());
  }
}
