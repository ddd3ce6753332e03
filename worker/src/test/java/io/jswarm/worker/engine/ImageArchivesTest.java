package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Archive cases the skopeo IT does not reach: gzip layers, docker's layer symlinks, link escapes. */
@Timeout(60)
class ImageArchivesTest {
  @TempDir Path a;
  @TempDir Path b;

  @Test
  void aGzipLayerIsSavedDecompressedInADockerArchiveAndLoadsAsTheSameImage() throws Exception {
    byte[] tar = TestTars.busybox();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(tar);
    }
    String diffId = Digests.of(tar);
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digests.of(config)
        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
        + "\"digest\":\"" + Digests.of(gz.toByteArray()) + "\",\"size\":" + gz.size() + "}]}").getBytes(StandardCharsets.UTF_8);
    ImageStore src = new ImageStore(a);
    String id = src.putImage("gz:1", List.of(), manifest, config, (d, s) -> new ByteArrayInputStream(gz.toByteArray()),
        (d, s, st) -> { }).getId();

    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    new ImageArchives(src).save(List.of("gz:1"), "docker", saved);
    Map<String, byte[]> entries = read(saved.toByteArray());
    assertEquals(Digests.of(tar), Digests.of(entries.get(Digests.hexOf(diffId) + "/layer.tar")), "the plain layer");

    ImageStore dst = new ImageStore(b);
    var loaded = new ImageArchives(dst).load(new ByteArrayInputStream(saved.toByteArray()));
    assertEquals(id, loaded.get(0).image().getId());
    assertEquals(List.of("gz:1"), loaded.get(0).names());
  }

  @Test
  void dockersSymlinkedDuplicateLayersLoadButLinksOutOfTheArchiveAreRefused() throws Exception {
    ImageStore src = new ImageStore(a);
    src.importImage("bb:1", new ByteArrayInputStream(TestTars.busybox()));
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    new ImageArchives(src).save(List.of("bb:1"), "docker", saved);
    Map<String, byte[]> entries = read(saved.toByteArray());
    String layer = entries.keySet().stream().filter(n -> n.endsWith("/layer.tar")).findFirst().orElseThrow();
    String manifest = new String(entries.get("manifest.json"), StandardCharsets.UTF_8).replace(layer, "dup/layer.tar");

    Map<String, byte[]> linked = new LinkedHashMap<>(entries);
    linked.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
    byte[] ok = write(linked, "dup/layer.tar", "../" + layer);
    ImageStore dst = new ImageStore(b);
    assertEquals(List.of("bb:1"), new ImageArchives(dst).load(new ByteArrayInputStream(ok)).get(0).names());

    byte[] evil = write(linked, "dup/layer.tar", "../../../../etc/passwd");
    var e = assertThrows(InvalidArchiveException.class, () -> new ImageArchives(dst).load(new ByteArrayInputStream(evil)));
    assertTrue(e.getMessage().contains("leaves the archive"), e.getMessage());
    byte[] absolute = write(linked, "dup/layer.tar", "/etc/passwd");
    e = assertThrows(InvalidArchiveException.class, () -> new ImageArchives(dst).load(new ByteArrayInputStream(absolute)));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void deviceEntriesAndDuplicateNamesAreRefused() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      TarArchiveEntry dev = new TarArchiveEntry("null", TarArchiveEntry.LF_CHR);
      t.putArchiveEntry(dev);
      t.closeArchiveEntry();
    }
    var e = assertThrows(InvalidArchiveException.class,
        () -> new ImageArchives(new ImageStore(a)).load(new ByteArrayInputStream(out.toByteArray())));
    assertTrue(e.getMessage().contains("devices"), e.getMessage());
    Map<String, byte[]> twice = new LinkedHashMap<>();
    twice.put("index.json", "{}".getBytes(StandardCharsets.UTF_8));
    byte[] dup = write(twice, "index.json", null);
    e = assertThrows(InvalidArchiveException.class,
        () -> new ImageArchives(new ImageStore(a)).load(new ByteArrayInputStream(dup)));
    assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
  }

  private static Map<String, byte[]> read(byte[] tar) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile()) out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  /** The files, then {@code extra}: a symlink to {@code target}, or (target null) the file {@code extra} again. */
  private static byte[] write(Map<String, byte[]> files, String extra, String target) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      for (var f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        t.putArchiveEntry(e);
        t.write(f.getValue());
        t.closeArchiveEntry();
      }
      if (target != null) {
        TarArchiveEntry l = new TarArchiveEntry(extra, TarArchiveEntry.LF_SYMLINK);
        l.setLinkName(target);
        t.putArchiveEntry(l);
      } else {
        TarArchiveEntry e = new TarArchiveEntry(extra);
        e.setSize(files.get(extra).length);
        t.putArchiveEntry(e);
        t.write(files.get(extra));
      }
      t.closeArchiveEntry();
    }
    return out.toByteArray();
  }
}
