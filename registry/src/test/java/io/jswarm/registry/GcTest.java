package io.jswarm.registry;

import static io.jswarm.registry.RegistryClient.imageManifest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.store.BlobGc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcTest {
  @TempDir Path root;

  @Test
  void gcRemovesExactlyTheBlobsNoManifestReferences() {
    try (RegistryServer server = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0))) {
      RegistryClient c = new RegistryClient(server.port());
      byte[] cfg = "{\"gc\":1}".getBytes(StandardCharsets.UTF_8);
      Digest cd = c.pushBlob("gc/app", cfg);
      Digest ld = c.pushBlob("gc/app", "layer".getBytes(StandardCharsets.UTF_8));
      Digest orphan = c.pushBlob("gc/app", "orphan".getBytes(StandardCharsets.UTF_8));
      String digest = c.pushManifest("gc/app", "v1", imageManifest(cd, cfg.length, ld, 5, ""))
          .headers().firstValue("Docker-Content-Digest").orElseThrow();

      assertEquals(0, RegistryServer.gc(root, Duration.ofHours(1)).deleted(), "young blobs survive a graceful gc");
      BlobGc.Result r = RegistryServer.gc(root);
      assertEquals(1, r.deleted());
      assertEquals(404, c.head("/v2/gc/app/blobs/" + orphan).statusCode());
      assertEquals(200, c.get("/v2/gc/app/manifests/v1").statusCode());
      assertEquals(200, c.head("/v2/gc/app/blobs/" + ld).statusCode());

      assertEquals(202, c.delete("/v2/gc/app/manifests/" + digest).statusCode());
      assertEquals(3, RegistryServer.gc(root).deleted(), "config, layer and the manifest itself");
      assertEquals(404, c.head("/v2/gc/app/blobs/" + ld).statusCode());
      assertEquals(201, c.post("/v2/gc/app/blobs/uploads/?digest=" + ld, "layer".getBytes(StandardCharsets.UTF_8))
          .statusCode(), "a collected blob can be pushed again");
    }
  }
}
