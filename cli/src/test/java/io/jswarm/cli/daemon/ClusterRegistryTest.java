package io.jswarm.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.client.DistributionClient;
import io.jswarm.registry.client.ImageReference;
import io.jswarm.registry.client.RegistryClientException;
import io.jswarm.registry.cluster.ClusterRegistry;
import io.jswarm.registry.cluster.RaftRegistryMetadata;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.RepoName;
import io.jswarm.registry.manifest.MediaTypes;
import io.jswarm.registry.store.Descriptor;
import io.jswarm.registry.store.RegistryMetadata;
import io.jswarm.store.Member;
import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster registry over a real single-member RaftStore: its metadata in raft-store objects,
 * and blobs shared by several registry servers ("managers" m1, m2, m3 sharing that store, each
 * with its own disk) — replicated, fetched on demand, and manifests acknowledged only once their
 * blobs are on two managers.
 */
@Timeout(120)
class ClusterRegistryTest {
  @TempDir Path dir;
  RaftStore store;
  final List<AutoCloseable> closers = new ArrayList<>();

  @BeforeEach
  void up() throws Exception {
    int port = freePort();
    store = RaftStore.open(RaftStoreConfig.defaults(dir.resolve("raft"), "m1", "127.0.0.1:" + port,
        List.of(new Member("m1", "127.0.0.1:" + port))));
    await(() -> store.isLeader(), "leader");
  }

  @AfterEach
  void down() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) closers.get(i).close();
    if (store != null) store.close();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void await(BooleanSupplier c, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
      Thread.sleep(20); // poll interval of a deadline-bounded wait
    }
  }

  void managers(String... ids) throws Exception {
    store.update(tx -> {
      for (String id : ids) {
        tx.create(Node.newBuilder().setId(id).setRole(NodeSpec.Role.MANAGER)
            .setSpec(NodeSpec.newBuilder().setName(id).setDesiredRole(NodeSpec.Role.MANAGER)).build());
      }
    });
  }

  ClusterRegistry registry(String id, Duration durable) throws Exception {
    int port = freePort();
    String addr = "127.0.0.1:" + port;
    ClusterRegistry r = ClusterRegistry.start(RegistryConfig.of(dir.resolve("reg-" + id)).withAddress("127.0.0.1", port),
        new RaftClusterStore(store, id), id, addr, durable);
    closers.add(r);
    return r;
  }

  static final Digest A = Digest.of("a".getBytes(StandardCharsets.UTF_8));
  static final Digest B = Digest.of("b".getBytes(StandardCharsets.UTF_8));

  @Test
  void metadataLivesInRaftStoreObjects() {
    RegistryMetadata meta = new RaftRegistryMetadata(new RaftClusterStore(store, "m1"));
    RepoName repo = new RepoName("library/busybox");
    assertFalse(meta.repositoryExists(repo));
    meta.linkBlob(repo, B);
    meta.linkBlob(repo, A);
    meta.linkBlob(repo, A);
    assertTrue(meta.hasBlob(repo, A));
    assertEquals(List.of(A, B).stream().sorted((x, y) -> x.toString().compareTo(y.toString())).toList(),
        meta.blobLinks(repo));
    assertTrue(meta.unlinkBlob(repo, B));
    assertFalse(meta.unlinkBlob(repo, B));

    Digest m1 = Digest.of("m1".getBytes(StandardCharsets.UTF_8));
    Digest sig = Digest.of("sig".getBytes(StandardCharsets.UTF_8));
    meta.putManifest(repo, m1, MediaTypes.OCI_MANIFEST, null);
    Descriptor d = new Descriptor(MediaTypes.OCI_MANIFEST, sig.toString(), 3, "application/x-sig", Map.of("k", "v"));
    meta.putManifest(repo, sig, MediaTypes.OCI_MANIFEST, new RegistryMetadata.Referrer(m1, d));
    meta.tag(repo, "b", m1);
    meta.tag(repo, "a", m1);
    meta.tag(repo, "sig", sig);
    assertEquals(List.of("a", "b", "sig"), meta.tags(repo));
    assertEquals(m1, meta.resolveTag(repo, "a"));
    assertEquals(MediaTypes.OCI_MANIFEST, meta.manifestMediaType(repo, m1));
    assertEquals(List.of(d), meta.referrers(repo, m1));
    assertEquals(List.of(repo), meta.repositories());

    // what a second manager reads: the same objects
    RegistryMetadata other = new RaftRegistryMetadata(new RaftClusterStore(store, "m2"));
    assertEquals(List.of("a", "b", "sig"), other.tags(repo));
    assertTrue(store.read(v -> v.registryRepository("library/busybox")).isPresent());

    assertTrue(meta.untag(repo, "b"));
    assertTrue(meta.deleteManifest(repo, sig));
    assertEquals(List.of(), meta.referrers(repo, m1));
    assertEquals(List.of("a"), meta.tags(repo), "deleting a manifest drops its tags");
    assertFalse(meta.deleteManifest(repo, sig));
    assertNull(meta.resolveTag(repo, "sig"));
  }

  @Test
  void concurrentWritersOfOneRepositoryAllLand() throws Exception {
    RepoName repo = new RepoName("busy");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int tt = t;
        fs.add(pool.submit(() -> {
          RegistryMetadata meta = new RaftRegistryMetadata(new RaftClusterStore(store, "m" + tt));
          for (int i = 0; i < 10; i++) meta.linkBlob(repo, Digest.of(("" + tt + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }));
      }
      for (Future<?> f : fs) f.get();
    } finally {
      pool.shutdownNow();
    }
    assertEquals(40, new RaftRegistryMetadata(new RaftClusterStore(store, "m1")).blobLinks(repo).size(),
        "version conflicts were retried, no link lost");
  }

  @Test
  void pushToOneManagerPullFromAnotherAfterTheFirstIsGone() throws Exception {
    managers("m1", "m2");
    ClusterRegistry r1 = registry("m1", Duration.ofSeconds(30));
    ClusterRegistry r2 = registry("m2", Duration.ofSeconds(30));
    DistributionClient client = new DistributionClient();
    byte[] layer = "layer bytes ".repeat(10_000).getBytes(StandardCharsets.UTF_8);
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Digest ld = Digest.of(layer);
    Digest cd = Digest.of(config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + cd
        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        + "\"digest\":\"" + ld + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    ImageReference on1 = ImageReference.parse(r1.address() + "/app:1");
    client.pushBlob(on1, ld, layer.length, () -> new ByteArrayInputStream(layer), n -> {});
    client.pushBlob(on1, cd, config.length, () -> new ByteArrayInputStream(config), n -> {});
    Digest md = client.pushManifest(on1, MediaTypes.OCI_MANIFEST, manifest);

    // acknowledged means: every blob (and the manifest) held by both managers
    for (Digest d : List.of(ld, cd, md)) {
      assertEquals(2, store.read(v -> v.registryBlob(d.toString())).orElseThrow().getHoldersCount(), d.toString());
    }
    r1.close();
    closers.remove(r1);

    ImageReference on2 = ImageReference.parse(r2.address() + "/app:1");
    DistributionClient.Manifest got = client.manifest(on2);
    assertEquals(md, got.digest());
    assertArrayEquals(layer, client.blobBytes(on2, ld, layer.length));
    assertArrayEquals(config, client.blobBytes(on2, cd, config.length));
  }

  @Test
  void aManagerLackingABlobFetchesItOnDemand() throws Exception {
    managers("m1");
    ClusterRegistry r1 = registry("m1", Duration.ofSeconds(30));
    DistributionClient client = new DistributionClient();
    byte[] blob = "on demand".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.of(blob);
    client.pushBlob(ImageReference.parse(r1.address() + "/x:1"), d, blob.length, () -> new ByteArrayInputStream(blob),
        n -> {});
    // a manager started later serves it at once: fetched from m1 on the GET if not yet replicated
    ClusterRegistry r3 = registry("m3", Duration.ofSeconds(30));
    assertArrayEquals(blob, client.blobBytes(ImageReference.parse(r3.address() + "/x:1"), d, blob.length));
    await(() -> store.read(v -> v.registryBlob(d.toString())).orElseThrow().getHoldersCount() == 2,
        "m3 recorded as a holder");
  }

  @Test
  void manifestIsRefusedWhenItsBlobsReachNoSecondManager() throws Exception {
    managers("m1", "ghost"); // a second manager without a registry: nothing can be replicated
    ClusterRegistry r1 = registry("m1", Duration.ofSeconds(1));
    DistributionClient client = new DistributionClient();
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest cd = Digest.of(config);
    ImageReference ref = ImageReference.parse(r1.address() + "/y:1");
    client.pushBlob(ref, cd, config.length, () -> new ByteArrayInputStream(config), n -> {});
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + cd
        + "\",\"size\":" + config.length + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    RegistryClientException e = assertThrows(RegistryClientException.class,
        () -> client.pushManifest(ref, MediaTypes.OCI_MANIFEST, manifest));
    assertEquals(503, e.status(), e.getMessage());
    assertThrows(RegistryClientException.class, () -> client.manifest(ref), "the tag did not become visible");
  }
}
