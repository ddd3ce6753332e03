package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jswarm.worker.engine.TestLayers.Compression;
import io.jswarm.worker.engine.TestLayers.Layer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Layers as registries serve them: Docker's empty layer, zstd, PAX xattrs, shared layers pulled at once. */
@Timeout(60)
class LayerFormatsTest {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  @TempDir Path data;

  @Test
  void emptyLayerAndZstdLayerStoreAndStack() throws Exception {
    assertEquals("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",
        Digests.of(TestLayers.EMPTY_TAR));
    byte[] zstdTar = new TestTars().dir("etc").file("etc/zstd-was-here", "yes\n", 0644).build();
    var img = TestLayers.image(List.of(new Layer(new TestTars().dir("bin").file("bin/a", "a", 0755).build(),
        Compression.GZIP), new Layer(TestLayers.EMPTY_TAR, Compression.GZIP),
        new Layer(TestLayers.EMPTY_TAR, Compression.NONE), new Layer(zstdTar, Compression.ZSTD)));
    ImageStore store = new ImageStore(data);
    img.putInto(store, "mixed:1");
    List<Path> dirs = store.resolve("mixed:1").orElseThrow().layerDirs();
    assertEquals(4, dirs.size());
    assertTrue(Files.isRegularFile(dirs.get(0).resolve("bin/a")));
    try (var s = Files.list(dirs.get(1))) {
      assertEquals(0, s.count(), "the empty layer unpacks as nothing");
    }
    assertEquals("yes\n", Files.readString(dirs.get(3).resolve("etc/zstd-was-here")));
  }

  @Test
  void paxXattrsAreKept() throws Exception {
    // cap_net_bind_service, VFS_CAP_REVISION_2: what `setcap cap_net_bind_service+ep` writes
    byte[] cap = ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(0x02000001).putInt(1 << 10).putInt(0).putInt(0).putInt(0).array();
    byte[] tar = new TestTars().dir("bin")
        .fileWithPax("bin/user", "u".getBytes(), 0755, Map.of("SCHILY.xattr.user.origin", "layer"))
        .fileWithPax("bin/cap", "c".getBytes(), 0755,
            Map.of("LIBARCHIVE.xattr.security.capability", Base64.getEncoder().encodeToString(cap)))
        .fileWithPax("bin/overlay", "o".getBytes(), 0755, Map.of("SCHILY.xattr.trusted.overlay.opaque", "y"))
        .build();
    ImageStore store = new ImageStore(data);
    TestLayers.image(List.of(new Layer(tar, Compression.GZIP))).putInto(store, "x:1");
    Path dir = store.resolve("x:1").orElseThrow().layerDirs().get(0);
    var view = Files.getFileAttributeView(dir.resolve("bin/user"), UserDefinedFileAttributeView.class);
    ByteBuffer buf = ByteBuffer.allocate(64);
    view.read("origin", buf);
    assertEquals("layer", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    assumeTrue(ROOT && Files.isExecutable(Path.of("/usr/sbin/getcap")), "security.* needs root and getcap");
    String caps = Command.check(List.of("/usr/sbin/getcap", dir.resolve("bin/cap").toString()), 10_000);
    assertTrue(caps.contains("cap_net_bind_service"), caps);
    assertTrue(!PaxXattrs.allowed("trusted.overlay.opaque", true), "trusted.overlay.* taken from an archive");
  }

  @Test
  void twoNamesSharingALayerDownloadItOnce() throws Exception {
    byte[] shared = new TestTars().dir("lib").file("lib/shared", "s", 0644).build();
    var a = TestLayers.image(List.of(new Layer(shared, Compression.GZIP),
        new Layer(new TestTars().file("a", "a", 0644).build(), Compression.GZIP)));
    var b = TestLayers.image(List.of(new Layer(shared, Compression.GZIP),
        new Layer(new TestTars().file("b", "b", 0644).build(), Compression.GZIP)));
    String sharedDigest = Digests.of(TestLayers.compress(shared, Compression.GZIP));
    ImageStore store = new ImageStore(data);
    CountDownLatch aFetching = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
    ImageStore.BlobSource slowA = (d, size) -> {
      if (d.equals(sharedDigest)) {
        fetches.incrementAndGet();
        aFetching.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
      }
      return a.source().open(d, size);
    };
    ImageStore.BlobSource countingB = (d, size) -> {
      if (d.equals(sharedDigest)) {
        fetches.incrementAndGet();
      }
      return b.source().open(d, size);
    };
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread ta = new Thread(() -> run(failed, () -> store.putImage("a:1", List.of(), a.manifest, a.config, slowA, (x, y, z) -> { })));
    ta.start();
    assertTrue(aFetching.await(30, TimeUnit.SECONDS));
    Thread tb = new Thread(() -> run(failed, () -> store.putImage("b:1", List.of(), b.manifest, b.config, countingB, (x, y, z) -> { })));
    tb.start();
    EngineCleanup.await("b waits for a's download", 10_000, () -> tb.getState() == Thread.State.WAITING);
    release.countDown();
    ta.join(30_000);
    tb.join(30_000);
    assertEquals(null, failed.get());
    assertEquals(1, fetches.get(), "the shared layer was downloaded more than once");
    assertTrue(store.resolve("b:1").isPresent());
  }

  private static void run(AtomicReference<Throwable> failed, Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      failed.set(t);
    }
  }
}
