package io.jswarm.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.registry.core.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-platform images with real clients: an OCI index (two platform manifests built with umoci)
 * and its Docker manifest-list form go through the registry with {@code skopeo copy --all} and
 * come back byte for byte; a copy between two repositories of the registry (cross-repository
 * blob mount) keeps every byte.
 */
@Timeout(180)
class SkopeoIndexIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static RegistryServer server;
  static String host;
  static Path layout;

  @BeforeAll
  static void setUp() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo not installed");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci")), "umoci not installed");
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox not installed");
    server = RegistryServer.start(RegistryConfig.of(work.resolve("root")).withAddress("127.0.0.1", 0));
    host = "127.0.0.1:" + server.port();
    layout = work.resolve("src");
    String l = layout.toString();
    SkopeoIT.run("umoci", "init", "--layout", l);
    SkopeoIT.run("umoci", "new", "--image", l + ":amd64");
    SkopeoIT.run("umoci", "insert", "--rootless", "--image", l + ":amd64", "/bin/busybox", "/bin/busybox");
    SkopeoIT.run("umoci", "new", "--image", l + ":arm64");
    SkopeoIT.run("umoci", "config", "--image", l + ":arm64", "--architecture", "arm64");
    SkopeoIT.run("umoci", "insert", "--rootless", "--image", l + ":arm64", "/bin/busybox", "/bin/busybox");
    addIndex("multi");
  }

  @AfterAll
  static void tearDown() {
    if (server != null) server.close();
  }

  /** Writes an image index of the layout's two manifests and names it {@code tag} in index.json. */
  static void addIndex(String tag) throws Exception {
    ObjectNode top = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", "application/vnd.oci.image.index.v1+json");
    ArrayNode manifests = index.putArray("manifests");
    for (JsonNode d : top.get("manifests")) {
      String arch = d.get("annotations").get("org.opencontainers.image.ref.name").asText();
      ObjectNode m = manifests.addObject();
      m.put("mediaType", d.get("mediaType").asText());
      m.put("digest", d.get("digest").asText());
      m.put("size", d.get("size").asLong());
      m.putObject("platform").put("architecture", arch).put("os", "linux");
    }
    byte[] bytes = JSON.writeValueAsBytes(index);
    Digest digest = Digest.of(bytes);
    Files.write(layout.resolve("blobs/sha256/" + digest.hex()), bytes);
    ObjectNode entry = ((ArrayNode) top.get("manifests")).addObject();
    entry.put("mediaType", "application/vnd.oci.image.index.v1+json");
    entry.put("digest", digest.toString());
    entry.put("size", bytes.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    Files.writeString(layout.resolve("index.json"), JSON.writeValueAsString(top), StandardCharsets.UTF_8);
  }

  @Test
  void ociIndexRoundTripsWithEveryPlatform() throws Exception {
    String src = "oci:" + layout + ":multi";
    String ref = "docker://" + host + "/test/multi:1";
    SkopeoIT.run("skopeo", "copy", "--all", "--dest-tls-verify=false", src, ref);
    JsonNode remote = JSON.readTree(SkopeoIT.run("skopeo", "inspect", "--raw", "--tls-verify=false", ref));
    assertEquals("application/vnd.oci.image.index.v1+json", remote.get("mediaType").asText());
    assertEquals(2, remote.get("manifests").size());

    Path back = work.resolve("back-index");
    SkopeoIT.run("skopeo", "copy", "--all", "--src-tls-verify=false", ref, "oci:" + back + ":multi");
    assertArrayEquals(SkopeoIT.run("skopeo", "inspect", "--raw", src),
        SkopeoIT.run("skopeo", "inspect", "--raw", "oci:" + back + ":multi"), "index comes back byte for byte");
    for (JsonNode m : remote.get("manifests")) {
      Path blob = back.resolve("blobs/sha256/" + m.get("digest").asText().substring(7));
      assertEquals(m.get("size").asLong(), Files.size(blob), "platform manifest " + m.get("digest"));
    }
  }

  @Test
  void dockerManifestListRoundTrips() throws Exception {
    String ref = "docker://" + host + "/test/list:1";
    SkopeoIT.run("skopeo", "copy", "--all", "--format", "v2s2", "--dest-tls-verify=false", "oci:" + layout + ":multi", ref);
    byte[] raw = SkopeoIT.run("skopeo", "inspect", "--raw", "--tls-verify=false", ref);
    JsonNode list = JSON.readTree(raw);
    assertEquals("application/vnd.docker.distribution.manifest.list.v2+json", list.get("mediaType").asText());
    assertEquals(2, list.get("manifests").size());
    Path back = work.resolve("back-list");
    SkopeoIT.run("skopeo", "copy", "--all", "--src-tls-verify=false", "--preserve-digests", ref, "dir:" + back);
    assertArrayEquals(raw, Files.readAllBytes(back.resolve("manifest.json")), "manifest list comes back byte for byte");
  }

  @Test
  void copyBetweenRepositoriesKeepsEveryByte() throws Exception {
    String a = "docker://" + host + "/team-a/busybox:1";
    String b = "docker://" + host + "/team-b/busybox:1";
    SkopeoIT.run("skopeo", "copy", "--dest-tls-verify=false", "oci:" + layout + ":amd64", a);
    SkopeoIT.run("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", a, b);
    assertArrayEquals(SkopeoIT.run("skopeo", "inspect", "--raw", "--tls-verify=false", a),
        SkopeoIT.run("skopeo", "inspect", "--raw", "--tls-verify=false", b));
    Path back = work.resolve("back-b");
    SkopeoIT.run("skopeo", "copy", "--src-tls-verify=false", b, "oci:" + back + ":1");
    JsonNode m = JSON.readTree(SkopeoIT.run("skopeo", "inspect", "--raw", "oci:" + back + ":1"));
    Path layer = back.resolve("blobs/sha256/" + m.get("layers").get(0).get("digest").asText().substring(7));
    assertEquals(m.get("layers").get(0).get("size").asLong(), Files.size(layer));
  }
}
