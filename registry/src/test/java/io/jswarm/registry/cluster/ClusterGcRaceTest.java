package io.jswarm.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryManifest;
import io.jswarm.api.RegistryRepository;
import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.client.DistributionClient;
import io.jswarm.registry.client.ImageReference;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.manifest.MediaTypes;
import io.jswarm.registry.store.BlobPlacement;
import io.jswarm.registry.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry GC race of issue 12: a client HEADs a base layer nobody references any more (its
 * repository link is still there), skips the upload, and PUTs a manifest that lands after the
 * collection's second mark but before its sweep. The PUT returned 201, so the layer must stay.
 */
@Timeout(60)
class ClusterGcRaceTest {
  @TempDir Path dir;
  final MemoryClusterStore memory = new MemoryClusterStore(Set.of("m1"));
  final Hooked store = new Hooked(memory);
  ClusterRegistry registry;

  @AfterEach
  void down() {
    if (registry != null) registry.close();
    memory.close();
  }

  /** The store, with a hook that runs once just before the collecting thread's first blob write (the sweep). */
  static final class Hooked implements ClusterStore {
    final MemoryClusterStore d;
    final AtomicReference<Thread> collector = new AtomicReference<>();
    volatile Runnable beforeSweep;
    volatile boolean fired;

    Hooked(MemoryClusterStore d) {
      this.d = d;
    }

    @Override
    public void updateBlob(String digest, UnaryOperator<RegistryBlob> fn) {
      if (Thread.currentThread() == collector.get() && !fired) {
        fired = true;
        beforeSweep.run();
      }
      d.updateBlob(digest, fn);
    }

    @Override public Optional<RegistryRepository> repository(String name) { return d.repository(name); }
    @Override public List<RegistryRepository> repositories() { return d.repositories(); }
    @Override public Optional<RegistryBlob> blob(String digest) { return d.blob(digest); }
    @Override public List<RegistryBlob> blobs() { return d.blobs(); }
    @Override public void updateRepository(String name, UnaryOperator<RegistryRepository> fn) { d.updateRepository(name, fn); }
    @Override public void updateRepositoryReferencing(String name, UnaryOperator<RegistryRepository> fn, Collection<String> refs) {
      d.updateRepositoryReferencing(name, fn, refs);
    }
    @Override public Set<String> managers() { return d.managers(); }
    @Override public AutoCloseable onBlobChanges(Consumer<List<RegistryBlob>> l) { return d.onBlobChanges(l); }
  }

  static byte[] manifest(Digest config, int configSize, Digest layer, int layerSize) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
        + "\",\"size\":" + configSize + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + layer + "\",\"size\":" + layerSize + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aManifestLandingBetweenTheLastMarkAndTheSweepKeepsItsBlobs() throws Exception {
    int port = ClusterRegistryTlsTest.freePort();
    registry = ClusterRegistry.start(RegistryConfig.of(dir.resolve("m1")).withAddress("127.0.0.1", port), store, "m1",
        "127.0.0.1:" + port, Duration.ofSeconds(20));
    DistributionClient client = new DistributionClient();
    ImageReference a = ImageReference.parse("127.0.0.1:" + port + "/team/app:a");
    ImageReference b = ImageReference.parse("127.0.0.1:" + port + "/team/app:b");
    byte[] layer = new byte[50_000];
    new Random(12).nextBytes(layer);
    byte[] configA = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] configB = "{\"b\":2}".getBytes(StandardCharsets.UTF_8);
    Digest l = Digest.of(layer);
    client.pushBlob(a, l, layer.length, () -> new ByteArrayInputStream(layer), n -> { });
    client.pushBlob(a, Digest.of(configA), configA.length, () -> new ByteArrayInputStream(configA), n -> { });
    Digest manifestA = client.pushManifest(a, MediaTypes.OCI_MANIFEST, manifest(Digest.of(configA), configA.length, l, layer.length));
    // A is deleted: its layer is now referenced by nothing, though the repository still links it
    HttpResponse<String> del = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v2/team/app/manifests/" + manifestA)).DELETE().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, del.statusCode(), del.body());

    // the client pushing B finds the layer there (HEAD 200) and skips it; its config is new
    assertTrue(client.blobExists(b, l));
    client.pushBlob(b, Digest.of(configB), configB.length, () -> new ByteArrayInputStream(configB), n -> { });
    byte[] manifestB = manifest(Digest.of(configB), configB.length, l, layer.length);
    AtomicReference<Digest> acked = new AtomicReference<>();
    store.beforeSweep = () -> acked.set(client.pushManifest(b, MediaTypes.OCI_MANIFEST, manifestB));
    store.collector.set(Thread.currentThread());

    registry.gc(Duration.ZERO, false); // every unmarked record is old enough

    assertTrue(store.fired, "B's PUT ran between the collection's second mark and its sweep");
    assertEquals(Digest.of(manifestB), acked.get(), "B's PUT was acknowledged");
    assertTrue(memory.blob(l.toString()).isPresent(), "the layer's record survives the sweep");
    assertTrue(new BlobStore(dir.resolve("m1")).exists(l), "the layer's file survives the sweep");
    assertArrayEquals(layer, client.blobBytes(b, l, layer.length), "B's layer pulls back byte-identical");
    // configA really was collected: the collection ran, it only spared what B references
    assertTrue(memory.blob(Digest.of(configA).toString()).isEmpty(), "A's config, referenced by nothing, is collected");
  }

  @Test
  void aManifestWhoseBlobWasCollectedFirstIsRefusedAndWritesNothing() {
    memory.updateBlob("sha256:" + "0".repeat(64), cur -> null); // nothing there
    RaftRegistryMetadata meta = new RaftRegistryMetadata(memory);
    var repo = new io.jswarm.registry.core.RepoName("team/app");
    Digest gone = Digest.parse("sha256:" + "1".repeat(64));
    RegistryException e = assertThrows(RegistryException.class, () -> meta.putManifest(repo,
        Digest.parse("sha256:" + "2".repeat(64)), MediaTypes.OCI_MANIFEST, null, List.of(gone)));
    assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
    assertTrue(meta.manifests(repo).isEmpty(), "no manifest without its blobs");
  }

  @Test
  void anUnparseableManifestStopsTheCollection() {
    BlobStore blobs = new BlobStore(dir.resolve("m1"));
    byte[] junk = "not a manifest".getBytes(StandardCharsets.UTF_8);
    Digest junkDigest = Digest.of(junk);
    blobs.put(junk, junkDigest);
    byte[] orphan = "orphan".getBytes(StandardCharsets.UTF_8);
    blobs.put(orphan, Digest.of(orphan));
    memory.updateBlob(Digest.of(orphan).toString(), cur -> RegistryBlob.newBuilder().setDigest(Digest.of(orphan).toString())
        .setSize(orphan.length).build());
    memory.updateRepository("team/app", cur -> RegistryRepository.newBuilder().setName("team/app")
        .addManifests(RegistryManifest.newBuilder().setDigest(junkDigest.toString()).setMediaType(MediaTypes.OCI_MANIFEST)).build());
    RegistryException e = assertThrows(RegistryException.class,
        () -> ClusterGc.collect(memory, blobs, BlobPlacement.LOCAL, Duration.ZERO, false));
    assertTrue(e.getMessage().contains("cannot be parsed"), e.getMessage());
    assertTrue(memory.blob(Digest.of(orphan).toString()).isPresent(), "nothing was deleted");
  }
}
