package io.jswarm.registry.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.RegistryServer;
import io.jswarm.registry.SwarmTls;
import io.jswarm.registry.TestCa;
import io.jswarm.registry.auth.SwarmIdentity;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.manifest.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against a registry serving the swarm's identity: token flow, node certificates, no HTTP fallback. */
@Timeout(60)
class DistributionClientTlsTest {
  private static final String CLUSTER = "c1";
  @TempDir static Path dir;
  static TestCa ca;
  static RegistryServer server;
  static String host;

  @BeforeAll
  static void start() throws IOException {
    ca = new TestCa("swarm-root");
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, "alice:" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "s3cret".toCharArray())
        + "\n");
    server = RegistryServer.start(RegistryConfig.of(dir.resolve("data")).withAddress("127.0.0.1", 0)
        .withHtpasswd(htpasswd).withSwarmTls(new SwarmTls(ca.issue("m1", SwarmIdentity.MANAGER, CLUSTER).keyManager(),
            ca.trustManager(), CLUSTER)));
    host = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Digest pushImage(DistributionClient c, ImageReference ref, byte[] layer) {
    byte[] config = "{\"rootfs\":{\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
    c.pushBlob(ref, Digest.of(layer), layer.length, () -> new ByteArrayInputStream(layer), n -> { });
    c.pushBlob(ref, Digest.of(config), config.length, () -> new ByteArrayInputStream(config), n -> { });
    return c.pushManifest(ref, MediaTypes.OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.of(config)
        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        + "\"digest\":\"" + Digest.of(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLoginGoesThroughTheTokenFlowForPushAndPull() throws IOException {
    // chunked, so several PATCHes reuse the cached token of the push scope
    DistributionClient c = new DistributionClient(new DistributionClient.Credentials("alice", "s3cret"), 1 << 20,
        ca.clientContext(null));
    ImageReference ref = ImageReference.parse(host + "/team/app:1");
    byte[] layer = random((3 << 20) + 5, 1);
    Digest manifest = pushImage(c, ref, layer);
    assertTrue(c.usesTokens(host), "the registry's Bearer challenge was followed");
    assertEquals(manifest, c.resolveDigest(ref));
    try (InputStream in = c.blob(ref, Digest.of(layer), layer.length)) {
      assertArrayEquals(layer, in.readAllBytes());
    }
  }

  @Test
  void aWrongPasswordIsAClearUnauthorized() {
    DistributionClient c = new DistributionClient(new DistributionClient.Credentials("alice", "nope"), 0,
        ca.clientContext(null));
    RegistryClientException e = assertThrows(RegistryClientException.class,
        () -> c.manifest(ImageReference.parse(host + "/team/app:1")));
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("wrong or missing user name and password"), e.getMessage());
  }

  @Test
  void aWorkerCertificatePullsAndIsDeniedPushes() {
    DistributionClient admin = new DistributionClient(null, 0,
        new SwarmTls(ca.issue("ops", SwarmIdentity.ADMIN, CLUSTER).keyManager(), ca.trustManager(), CLUSTER)
            .clientContext());
    ImageReference ref = ImageReference.parse(host + "/team/worker:1");
    Digest d = pushImage(admin, ref, random(1000, 2));

    // the engine's client exists before the node has its certificate: it is given the context later
    DistributionClient worker = new DistributionClient();
    worker.setTls(new SwarmTls(ca.issue("w1", SwarmIdentity.WORKER, CLUSTER).keyManager(), ca.trustManager(), CLUSTER)
        .clientContext());
    assertEquals(d, worker.resolveDigest(ref));
    byte[] other = random(10, 3);
    RegistryClientException e = assertThrows(RegistryClientException.class, () -> worker.pushBlob(ref,
        Digest.of(other), other.length, () -> new ByteArrayInputStream(other), n -> { }));
    assertEquals(403, e.status());
    assertEquals("DENIED", e.code());
  }

  @Test
  void theSwarmContextAcceptsOnlyAManagerOfItsCluster() throws IOException {
    Path root = dir.resolve("worker-served");
    try (RegistryServer notAManager = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0)
        .withSwarmTls(new SwarmTls(ca.issue("w9", SwarmIdentity.WORKER, CLUSTER).keyManager(), ca.trustManager(),
            CLUSTER)))) {
      DistributionClient c = new DistributionClient(null, 0,
          new SwarmTls(ca.issue("w1", SwarmIdentity.WORKER, CLUSTER).keyManager(), ca.trustManager(), CLUSTER)
              .clientContext());
      c.setInsecure(r -> false);
      RegistryClientException e = assertThrows(RegistryClientException.class,
          () -> c.manifest(ImageReference.parse("127.0.0.1:" + notAManager.port() + "/team/app:1")));
      assertTrue(e.getMessage().contains("over HTTPS"), e.getMessage());
    }
  }

  @Test
  void theSwarmContextChecksOtherServersAgainstTheDefaultRoots() {
    // a "manager" certificate from another CA is not the swarm's: the JVM's roots do not know it either
    TestCa other = new TestCa("other-root");
    try (RegistryServer impostor = RegistryServer.start(RegistryConfig.of(dir.resolve("impostor"))
        .withAddress("127.0.0.1", 0).withSwarmTls(new SwarmTls(other.issue("m1", SwarmIdentity.MANAGER, CLUSTER)
            .keyManager(), other.trustManager(), CLUSTER)))) {
      DistributionClient c = new DistributionClient(null, 0,
          new SwarmTls(ca.issue("w1", SwarmIdentity.WORKER, CLUSTER).keyManager(), ca.trustManager(), CLUSTER)
              .clientContext());
      c.setInsecure(r -> false);
      RegistryClientException e = assertThrows(RegistryClientException.class,
          () -> c.manifest(ImageReference.parse("127.0.0.1:" + impostor.port() + "/team/app:1")));
      assertTrue(e.getMessage().contains("TLS or certificate failure"), e.getMessage());
    }
  }

  @Test
  void aCertificateErrorIsNotAReasonForPlainHttp() throws IOException {
    // the JVM's default roots do not include the test CA: a certificate error
    DistributionClient c = new DistributionClient();
    c.setInsecure(r -> false);
    RegistryClientException e = assertThrows(RegistryClientException.class,
        () -> c.manifest(ImageReference.parse(host + "/team/app:1")));
    assertTrue(e.getMessage().contains("plain HTTP is tried only for registries listed as insecure"), e.getMessage());

    // a plain-HTTP registry is reached only when listed as insecure (loopback is, by default)
    try (RegistryServer plain = RegistryServer.start(RegistryConfig.of(dir.resolve("plain")).withAddress("127.0.0.1", 0))) {
      String plainHost = "127.0.0.1:" + plain.port();
      DistributionClient strict = new DistributionClient();
      strict.setInsecure(r -> false);
      assertThrows(RegistryClientException.class, () -> strict.manifest(ImageReference.parse(plainHost + "/x:1")));
      strict.setInsecure(InsecureRegistries.of(java.util.List.of(plainHost)));
      RegistryClientException notFound = assertThrows(RegistryClientException.class,
          () -> strict.manifest(ImageReference.parse(plainHost + "/x:1")));
      assertEquals(404, notFound.status(), "reached over HTTP once listed");
      assertEquals(404, assertThrows(RegistryClientException.class,
          () -> new DistributionClient().manifest(ImageReference.parse(plainHost + "/x:1"))).status(), "loopback");
    }
  }
}
