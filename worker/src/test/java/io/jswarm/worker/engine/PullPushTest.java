package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.RegistryServer;
import io.jswarm.registry.client.DistributionClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PullPushTest {
  @TempDir Path registryRoot;
  @TempDir Path a;
  @TempDir Path b;

  @Test
  void pushedImageIsPulledByTagAndByDigestOnce() throws Exception {
    try (RegistryServer server = RegistryServer.start(RegistryConfig.of(registryRoot).withAddress("127.0.0.1", 0))) {
      String host = "127.0.0.1:" + server.port();
      DistributionClient client = new DistributionClient();
      ImageStore src = new ImageStore(a);
      var imported = src.importImage("busybox:1", new ByteArrayInputStream(TestTars.busybox()));
      src.tag("busybox:1", host + "/busybox:1");
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      String digest = new ImagePusher(src, client).push(host + "/busybox:1", host + "/busybox:1",
          (d, size, sent, existed) -> lines.add(d + " " + sent + "/" + size));
      assertTrue(lines.stream().anyMatch(l -> l.endsWith("/" + l.substring(l.indexOf(' ') + 1).split("/")[1])));

      ImageStore dst = new ImageStore(b);
      ImagePuller puller = new ImagePuller(dst, client);
      List<String> fetched = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<String>> pulls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        pulls.add(pool.submit(() -> puller.pull(host + "/busybox@" + digest, (d, s, st) -> fetched.add(d + st)).getId()));
      }
      for (Future<String> f : pulls) {
        assertEquals(imported.getId(), f.get());
      }
      pool.shutdown();
      assertEquals(1, fetched.size(), "one pull for concurrent tasks: " + fetched);
      Image img = dst.resolve(host + "/busybox@" + digest).orElseThrow();
      assertTrue(Files.isRegularFile(img.layerDirs().get(0).resolve("bin/busybox")));
      assertEquals(img.id(), puller.pull(host + "/busybox:1", (d, s, st) -> { }).getId());
      assertEquals(img.id(), dst.resolve(host + "/busybox:1").orElseThrow().id());
    }
  }
}
