package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An image as registries hold them today, loaded from an OCI archive into the swarm's registry,
 * removed from the node, and pulled back by the node for a service: a gzip busybox layer, Docker's empty layer (1024 zero bytes) and a
 * zstd layer ({@code tar+zstd}).
 */
@Timeout(180)
class LayerFormatsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private JswarmProcess js;

  @BeforeEach
  void setUp() throws Exception {
    js = JswarmProcess.swarmWithBusybox("layers");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (js != null) js.tearDown();
  }

  @Test
  void imageWithAnEmptyLayerAndAZstdLayerPullsAndRuns() throws Exception {
    Path layout = js.dir.resolve("oci");
    Path extra = js.dir.resolve("extra");
    Files.createDirectories(extra.resolve("etc"));
    Files.writeString(extra.resolve("etc/zstd-was-here"), "from the zstd layer\n");
    Path extraTar = js.dir.resolve("extra.tar");
    assertEquals(0, JswarmProcess.exec(List.of("tar", "-C", extra.toString(), "-cf", extraTar.toString(), "."),
        Duration.ofSeconds(30)).exit());
    byte[] busybox = Files.readAllBytes(js.dir.resolve("busybox.tar"));
    byte[] zstdTar = Files.readAllBytes(extraTar);
    writeLayout(layout, List.of(busybox, new byte[1024], zstdTar), List.of("gzip", "gzip", "zstd"));

    Path archive = js.dir.resolve("mixed.tar");
    assertEquals(0, JswarmProcess.exec(List.of("tar", "-C", layout.toString(), "-cf", archive.toString(), "."),
        Duration.ofSeconds(30)).exit());
    // loaded here, stored in the swarm's registry, then removed here: the task must pull it
    js.ok("image", "load", "-i", archive.toString());
    js.ok("image", "rm", "mixed:1");
    for (String line : js.ok("image", "ls").out().lines().toList()) { // the registry's name for it, if kept here
      String[] f = line.trim().split("\\s+");
      if (f.length > 1 && f[0].endsWith("/mixed")) js.ok("image", "rm", f[0] + ":" + f[1]);
    }
    assertFalse(js.ok("image", "ls").out().contains("mixed"), js.ok("image", "ls").out());
    String ref = "mixed:1";
    js.ok("service", "create", "--name", "mixed", "--stop-grace-period", "0s", ref,
        "sh", "-c", "cat /etc/zstd-was-here; sleep 3600");
    JswarmProcess.await(Duration.ofSeconds(60),
        () -> js.run("service", "logs", "mixed").all().contains("from the zstd layer"), "the zstd layer's file printed");
  }

  private static void writeLayout(Path dir, List<byte[]> tars, List<String> compressions) throws Exception {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
    cfg.putObject("config").putArray("Env").add("PATH=/bin");
    ArrayNode diffIds = cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2)
        .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ArrayNode layers = manifest.putArray("layers");
    for (int i = 0; i < tars.size(); i++) {
      diffIds.add(digest(tars.get(i)));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (OutputStream out = compressions.get(i).equals("zstd") ? new ZstdOutputStream(b) : new GZIPOutputStream(b)) {
        out.write(tars.get(i));
      }
      byte[] blob = b.toByteArray();
      layers.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+" + compressions.get(i))
          .put("digest", put(blobs, blob)).put("size", blob.length);
    }
    byte[] config = JSON.writeValueAsBytes(cfg);
    manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", put(blobs, config)).put("size", config.length);
    byte[] m = JSON.writeValueAsBytes(manifest);
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
    index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
        .put("digest", put(blobs, m)).put("size", m.length)
        .putObject("annotations").put("org.opencontainers.image.ref.name", "mixed:1");
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  private static String put(Path blobs, byte[] content) throws Exception {
    String d = digest(content);
    Files.write(blobs.resolve(d.substring("sha256:".length())), content);
    return d;
  }

  private static String digest(byte[] content) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
