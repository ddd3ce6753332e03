package io.jswarm.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jswarm.registry.core.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real OCI clients against the server: an image built with umoci from a busybox binary is pushed
 * and pulled back with skopeo (OCI and Docker schema2), listed and deleted.
 */
@Timeout(120)
class SkopeoIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static RegistryServer server;
  static String host;

  @BeforeAll
  static void setUp() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo not installed");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci")), "umoci not installed");
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox not installed");
    server = RegistryServer.start(RegistryConfig.of(work.resolve("root")).withAddress("127.0.0.1", 0));
    host = "127.0.0.1:" + server.port();
    Path layout = work.resolve("src");
    run("umoci", "init", "--layout", layout.toString());
    run("umoci", "new", "--image", layout + ":t");
    run("umoci", "insert", "--rootless", "--image", layout + ":t", "/bin/busybox", "/bin/busybox");
  }

  @AfterAll
  static void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void ociImageRoundTripsThroughTheRegistry() throws Exception {
    String src = "oci:" + work.resolve("src") + ":t";
    run("skopeo", "copy", "--dest-tls-verify=false", src, "docker://" + host + "/test/busybox:t");
    Path back = work.resolve("back");
    run("skopeo", "copy", "--src-tls-verify=false", "docker://" + host + "/test/busybox:t", "oci:" + back + ":t");

    byte[] original = run("skopeo", "inspect", "--raw", src);
    byte[] pulled = run("skopeo", "inspect", "--raw", "oci:" + back + ":t");
    assertArrayEquals(original, pulled, "manifest comes back byte for byte");
    JsonNode remote = JSON.readTree(run("skopeo", "inspect", "--tls-verify=false", "docker://" + host + "/test/busybox:t"));
    assertEquals(Digest.of(original).toString(), remote.get("Digest").asText());
    JsonNode manifest = JSON.readTree(original);
    assertEquals(manifest.get("layers").get(0).get("digest").asText(), remote.get("Layers").get(0).asText());
    assertEquals(manifest.get("config").get("digest").asText(),
        JSON.readTree(run("skopeo", "inspect", "--raw", "oci:" + back + ":t")).get("config").get("digest").asText());
    // the layer holds busybox, byte for byte, in the pulled layout too
    Path layer = back.resolve("blobs/sha256/" + manifest.get("layers").get(0).get("digest").asText().substring(7));
    assertEquals(manifest.get("layers").get(0).get("size").asLong(), Files.size(layer));
  }

  @Test
  void dockerSchema2PushListTagsAndDelete() throws Exception {
    String src = "oci:" + work.resolve("src") + ":t";
    String ref = "docker://" + host + "/test/docker";
    run("skopeo", "copy", "--format", "v2s2", "--dest-tls-verify=false", src, ref + ":v2");
    run("skopeo", "copy", "--format", "v2s2", "--dest-tls-verify=false", src, ref + ":other");
    JsonNode raw = JSON.readTree(run("skopeo", "inspect", "--raw", "--tls-verify=false", ref + ":v2"));
    assertEquals("application/vnd.docker.distribution.manifest.v2+json", raw.get("mediaType").asText());
    JsonNode tags = JSON.readTree(run("skopeo", "list-tags", "--tls-verify=false", ref));
    assertEquals("[\"other\",\"v2\"]", tags.get("Tags").toString());

    run("skopeo", "delete", "--tls-verify=false", ref + ":v2");
    Result gone = exec("skopeo", "inspect", "--raw", "--tls-verify=false", ref + ":v2");
    assertNotEquals(0, gone.rc, "deleted manifest is gone");
    Result other = exec("skopeo", "inspect", "--raw", "--tls-verify=false", ref + ":other");
    assertNotEquals(0, other.rc, "skopeo delete removes the manifest, so every tag pointing at it goes");
    assertTrue(gone.output.contains("manifest unknown") || gone.output.contains("MANIFEST_UNKNOWN"), gone.output);
  }

  record Result(int rc, byte[] stdout, String output) {}

  static byte[] run(String... cmd) throws Exception {
    Result r = exec(cmd);
    if (r.rc != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.rc + "): " + r.output);
    }
    return r.stdout;
  }

  static Result exec(String... cmd) throws Exception {
    List<String> full = new ArrayList<>(List.of(cmd));
    Process p = new ProcessBuilder(full).start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " timed out");
    }
    byte[] stdout = out.get(10, TimeUnit.SECONDS);
    return new Result(p.exitValue(), stdout,
        new String(stdout, StandardCharsets.UTF_8) + new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) {
    try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
