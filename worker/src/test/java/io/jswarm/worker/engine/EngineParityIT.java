package io.jswarm.worker.engine;

import static io.jswarm.worker.engine.EngineCleanup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.worker.engine.TestLayers.Compression;
import io.jswarm.worker.engine.TestLayers.Layer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine behaves as Docker's on what users meet first; real runc and conmon, as root. */
@Timeout(120)
class EngineParityIT {
  private Path dataRoot;
  private LocalEngine engine;
  private final String node = "par-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() throws Exception {
    dataRoot = Files.createTempDirectory("jswarm-parity-it");
    engine = new LocalEngine(dataRoot, node);
    engine.images().importImage("busybox", new ByteArrayInputStream(TestTars.busybox()));
  }

  @AfterEach
  void tearDown() {
    EngineCleanup.removeAll(engine, dataRoot);
  }

  private static String id(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 8);
  }

  private List<String> lines(String id, long tail) {
    List<String> out = new ArrayList<>();
    engine.logs(id, false, tail, e -> out.add(new String(e.data(), StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void imageWithAnEmptyLayerAndAZstdLayerRuns() {
    byte[] zstdTar = new TestTars().dir("etc").file("etc/zstd-was-here", "zstd layer\n", 0644).build();
    TestLayers.image(List.of(new Layer(TestTars.busybox(), Compression.GZIP),
        new Layer(TestLayers.EMPTY_TAR, Compression.GZIP), new Layer(zstdTar, Compression.ZSTD)))
        .putInto(engine.images(), "mixed:1");
    String id = id("mix");
    engine.create(ContainerConfig.of(id, "mixed:1", List.of("cat", "/etc/zstd-was-here")));
    engine.start(id);
    await("the zstd layer's file printed", 20_000, () -> lines(id, -1).contains("zstd layer"));
  }

  @Test
  void hostnameAndEtcHostsAgree() {
    String id = id("host") + "-longer-than-twelve";
    engine.create(ContainerConfig.of(id, "busybox",
        List.of("sh", "-c", "echo name=$(hostname); echo file=$(cat /etc/hostname); grep -w \"$(hostname)\" /etc/hosts && echo found")));
    engine.start(id);
    String want = id.substring(0, 12);
    await("hostname printed", 20_000, () -> lines(id, -1).contains("found"));
    List<String> out = lines(id, -1);
    assertTrue(out.contains("name=" + want), out.toString());
    assertTrue(out.contains("file=" + want), out.toString());
  }

  @Test
  void stopOfAPausedContainerResumesItFirst() {
    String id = id("paused");
    engine.create(ContainerConfig.of(id, "busybox", List.of("sleep", "1000")));
    engine.start(id);
    engine.pause(id, true);
    assertEquals("paused", engine.runcStatus(id));
    long t0 = System.currentTimeMillis();
    ContainerState st = engine.stop(id, 2_000, "SIGTERM");
    assertEquals(ContainerState.Status.STOPPED, st.status());
    assertTrue(st.exitCode() == 143 || st.exitCode() == 137, "exit " + st.exitCode());
    assertTrue(System.currentTimeMillis() - t0 < 10_000, "stop took " + (System.currentTimeMillis() - t0) + " ms");
  }

  @Test
  void logRotationKeepsAtMostMaxFileTimesMaxSize() throws Exception {
    engine.onExit(e -> { }); // starts the watcher that rotates
    String id = id("logs");
    long maxSize = 4096;
    int maxFile = 3;
    // ~100 bytes of CRI record every 50 ms: ~2 KB/s, a rotation (at 2 KB) about every second
    engine.create(new ContainerConfig(id, "", "busybox", List.of("sh", "-c",
        "i=0; while [ $i -lt 200 ]; do echo line-$i-padding-padding-padding-padding; i=$((i+1)); sleep 0.05; done; "
            + "echo done; sleep 1000"), List.of(ImageStore.DEFAULT_PATH), "/", "", "", "",
        Map.of(LogLimits.MAX_SIZE_LABEL, Long.toString(maxSize), LogLimits.MAX_FILE_LABEL, Integer.toString(maxFile))));
    engine.start(id);
    Path log = dataRoot.resolve("containers").resolve(id).resolve("ctr.log");
    long[] most = {0};
    await("all lines written", 60_000, () -> {
      long total = 0;
      for (Path p : LogRotation.files(log, maxFile + 2)) {
        total += p.toFile().length();
      }
      most[0] = Math.max(most[0], total);
      return lines(id, 1).contains("done");
    });
    List<Path> files = LogRotation.files(log, maxFile + 2);
    assertTrue(files.size() >= 2, "never rotated: " + files);
    assertTrue(files.size() <= maxFile, "more than max-file files: " + files);
    assertFalse(Files.exists(LogRotation.rotated(log, maxFile)), "a file beyond max-file");
    assertTrue(most[0] <= maxFile * maxSize, "the log held " + most[0] + " bytes");
    // what is kept reads in order across the files, and ends with the last lines
    List<String> all = lines(id, -1);
    assertEquals("done", all.get(all.size() - 1));
    int first = Integer.parseInt(all.get(0).split("-")[1]);
    for (int i = 0; i < all.size() - 1; i++) {
      assertEquals("line-" + (first + i) + "-padding-padding-padding-padding", all.get(i), "gap at " + i);
    }
    assertTrue(first > 0, "nothing was rotated away");
    assertEquals(List.of("line-198-padding-padding-padding-padding", "line-199-padding-padding-padding-padding", "done"),
        lines(id, 3));
  }

  @Test
  void runcStateLivesOnTmpfsAndInterruptedRemovalsAreFinished() throws Exception {
    assertTrue(engine.runcRoot().startsWith(RuncRoot.RUN), engine.runcRoot().toString());
    Path leftover = Files.createDirectories(dataRoot.resolve("containers").resolve(ContainerDirs.REMOVING + "x").resolve("upper"));
    Files.writeString(leftover.resolveSibling("record.json"), "{}");
    LocalEngine again = new LocalEngine(dataRoot, node);
    again.close();
    assertFalse(Files.exists(leftover.getParent()), "an interrupted removal was left behind");
    assertTrue(engine.list().isEmpty());
  }
}
