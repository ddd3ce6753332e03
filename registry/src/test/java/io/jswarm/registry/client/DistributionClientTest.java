package io.jswarm.registry.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.RegistryServer;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.manifest.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DistributionClientTest {
  @TempDir static Path root;
  static RegistryServer server;
  static String host;

  @BeforeAll
  static void start() {
    server = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0));
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

  private static byte[] manifest(Digest config, long configSize, Digest layer, long layerSize) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + configSize
        + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer
        + "\",\"size\":" + layerSize + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  private static void pushImage(DistributionClient c, ImageReference ref, byte[] config, byte[] layer) {
    ImageReference repo = ref;
    c.pushBlob(repo, Digest.of(layer), layer.length, () -> new ByteArrayInputStream(layer), n -> { });
    c.pushBlob(repo, Digest.of(config), config.length, () -> new ByteArrayInputStream(config), n -> { });
    c.pushManifest(ref, MediaTypes.OCI_MANIFEST, manifest(Digest.of(config), config.length, Digest.of(layer), layer.length));
  }

  @Test
  void pushThenPullGivesTheSameBytes() throws IOException {
    DistributionClient c = new DistributionClient();
    byte[] layer = random(3 << 20, 1);
    byte[] config = "{\"rootfs\":{\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
    ImageReference ref = ImageReference.parse(host + "/team/app:1");
    AtomicLong sent = new AtomicLong();
    assertTrue(c.pushBlob(ref, Digest.of(layer), layer.length, () -> new ByteArrayInputStream(layer), sent::set));
    assertEquals(layer.length, sent.get());
    assertFalse(c.pushBlob(ref, Digest.of(layer), layer.length, () -> new ByteArrayInputStream(layer), n -> { }),
        "second push finds the blob there");
    pushImage(c, ref, config, layer);
    DistributionClient.Resolved r = c.resolve(ref, "linux", "amd64");
    assertEquals(MediaTypes.OCI_MANIFEST, r.image().mediaType());
    assertEquals(r.top().digest(), c.resolveDigest(ref));
    try (InputStream in = c.blob(ref, Digest.of(layer), layer.length)) {
      assertArrayEquals(layer, in.readAllBytes());
    }
    assertArrayEquals(config, c.blobBytes(ref, Digest.of(config), config.length));
    assertEquals(r.top().digest(), c.manifest(ref.withDigest(r.top().digest())).digest());
  }

  @Test
  void chunkedPushWorks() throws IOException {
    DistributionClient c = new DistributionClient(null, 1 << 20);
    byte[] layer = random((5 << 20) + 17, 2);
    ImageReference ref = ImageReference.parse(host + "/chunked:1");
    AtomicLong sent = new AtomicLong();
    c.pushBlob(ref, Digest.of(layer), layer.length, () -> new ByteArrayInputStream(layer), sent::set);
    assertEquals(layer.length, sent.get());
    try (InputStream in = c.blob(ref, Digest.of(layer), layer.length)) {
      assertArrayEquals(layer, in.readAllBytes());
    }
  }

  @Test
  void blobNotMatchingTheAskedDigestIsRefused() {
    DistributionClient c = new DistributionClient();
    byte[] layer = random(1000, 3);
    ImageReference ref = ImageReference.parse(host + "/mismatch:1");
    c.pushBlob(ref, Digest.of(layer), layer.length, () -> new ByteArrayInputStream(layer), n -> { });
    // the server has the bytes of Digest.of(layer); claiming a wrong size or a wrong digest must fail
    IOException e = assertThrows(IOException.class, () -> {
      try (InputStream in = c.blob(ref, Digest.of(layer), layer.length - 1)) {
        in.readAllBytes();
      }
    });
    assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    IOException e2 = assertThrows(IOException.class, () -> {
      try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(layer), Digest.of(new byte[1]), -1)) {
        in.readAllBytes();
      }
    });
    assertTrue(e2.getMessage().contains("digest mismatch"), e2.getMessage());
  }

  @Test
  void manifestNotMatchingThePinnedDigestIsRefused() {
    DistributionClient c = new DistributionClient();
    ImageReference ref = ImageReference.parse(host + "/pinned:1");
    pushImage(c, ref, "{}".getBytes(StandardCharsets.UTF_8), random(10, 4));
    RegistryClientException e = assertThrows(RegistryClientException.class,
        () -> c.manifest(ref.withDigest(Digest.of(new byte[1]))));
    assertEquals(404, e.status());
    assertEquals("MANIFEST_UNKNOWN", e.code());
  }

  @Test
  void unknownTagIsAClearError() {
    RegistryClientException e = assertThrows(RegistryClientException.class,
        () -> new DistributionClient().manifest(ImageReference.parse(host + "/nothing:here")));
    assertEquals(404, e.status());
  }
}
