package io.jswarm.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.SwarmTls;
import io.jswarm.registry.TestCa;
import io.jswarm.registry.auth.SwarmIdentity;
import io.jswarm.registry.client.DistributionClient;
import io.jswarm.registry.client.ImageReference;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.http.RegistryAccess;
import io.jswarm.registry.manifest.MediaTypes;
import io.jswarm.registry.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two managers' registries serving the swarm's identity: blobs reach the second manager over TLS
 * with its manager certificate (the manifest PUT is acknowledged only once two managers hold every
 * blob), and the shared registry secret is no login there.
 */
@Timeout(90)
class ClusterRegistryTlsTest {
  private static final String CLUSTER = "c1";
  @TempDir Path dir;
  final TestCa ca = new TestCa("swarm-root");
  final MemoryClusterStore store = new MemoryClusterStore(Set.of("m1", "m2"));
  final List<AutoCloseable> closers = new ArrayList<>();

  @AfterEach
  void down() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
    store.close();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  ClusterRegistry registry(String id) throws Exception {
    int port = freePort();
    SwarmTls tls = new SwarmTls(ca.issue(id, SwarmIdentity.MANAGER, CLUSTER).keyManager(), ca.trustManager(), CLUSTER);
    ClusterRegistry r = ClusterRegistry.start(RegistryConfig.of(dir.resolve(id)).withAddress("127.0.0.1", port)
        .withSwarmTls(tls), store, id, "127.0.0.1:" + port, Duration.ofSeconds(30));
    closers.add(r);
    return r;
  }

  @Test
  void managersCopyBlobsWithTheirCertificates() throws Exception {
    store.secret = "shared-secret";
    ClusterRegistry r1 = registry("m1");
    registry("m2");
    DistributionClient admin = new DistributionClient(null, 0,
        new SwarmTls(ca.issue("ops", SwarmIdentity.ADMIN, CLUSTER).keyManager(), ca.trustManager(), CLUSTER)
            .clientContext());
    ImageReference ref = ImageReference.parse(r1.address() + "/team/app:1");
    byte[] layer = new byte[200_000];
    new Random(7).nextBytes(layer);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    admin.pushBlob(ref, Digest.of(layer), layer.length, () -> new ByteArrayInputStream(layer), n -> { });
    admin.pushBlob(ref, Digest.of(config), config.length, () -> new ByteArrayInputStream(config), n -> { });
    // acknowledged only when m2 holds every blob too: it copied them over TLS as a manager
    admin.pushManifest(ref, MediaTypes.OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.of(config)
        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + Digest.of(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8));
    assertTrue(new BlobStore(dir.resolve("m2")).exists(Digest.of(layer)), "m2 holds the layer");
    assertEquals(Set.of("m1", "m2"), Set.copyOf(store.blob(Digest.of(layer).toString()).orElseThrow().getHoldersList()
        .stream().map(h -> h.getNodeId()).toList()));

    // with certificates, the cluster's shared secret is no login
    HttpClient noCert = HttpClient.newBuilder().sslContext(ca.clientContext(null)).build();
    HttpResponse<String> r = noCert.send(HttpRequest.newBuilder(URI.create("https://" + r1.address()
        + "/_jswarm/blobs/" + Digest.of(layer))).header("Authorization", RegistryAccess.nodeAuthorization("shared-secret"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, r.statusCode(), r.body());
  }
}
