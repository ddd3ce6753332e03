package io.jswarm.registry.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
  static final String A = "sha256:" + "a".repeat(64);
  static final String B = "sha256:" + "b".repeat(64);

  static ParsedManifest parse(String json, String ct) {
    return ManifestParser.parse(json.getBytes(StandardCharsets.UTF_8), ct);
  }

  @Test
  void imageManifestReferencesConfigAndLayersButNotForeignLayers() {
    ParsedManifest m = parse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" + A + "\",\"size\":1},"
        + "\"layers\":[{\"mediaType\":\"l\",\"digest\":\"" + B + "\",\"size\":2},"
        + "{\"mediaType\":\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\",\"digest\":\"" + B
        + "\",\"size\":2,\"urls\":[\"http://x\"]}]}", MediaTypes.OCI_MANIFEST);
    assertEquals(2, m.blobs().size());
    assertEquals("x", m.artifactType());
    assertNull(m.subject());
  }

  @Test
  void indexReferencesManifests() {
    ParsedManifest m = parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{"
        + "\"mediaType\":\"m\",\"digest\":\"" + A + "\",\"size\":3}]}", null);
    assertEquals(MediaTypes.OCI_INDEX, m.mediaType());
    assertEquals(Digest.parse(A), m.manifests().get(0));
  }

  @Test
  void shapeErrorsAreManifestInvalid() {
    for (String bad : new String[] {"[]", "{", "{\"schemaVersion\":1,\"config\":{}}",
        "{\"schemaVersion\":2,\"layers\":[]}",
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:zz\",\"size\":1},\"layers\":[]}",
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + A + "\"},\"layers\":[]}"}) {
      RegistryException e = assertThrows(RegistryException.class, () -> parse(bad, MediaTypes.OCI_MANIFEST), bad);
      assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), bad);
    }
    RegistryException mismatch = assertThrows(RegistryException.class,
        () -> parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}",
            MediaTypes.OCI_MANIFEST));
    assertEquals(ErrorCode.MANIFEST_INVALID, mismatch.code());
  }
}
