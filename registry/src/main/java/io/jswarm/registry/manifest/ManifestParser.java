package io.jswarm.registry.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and checks the shape of a pushed manifest. Existence of what it references is checked by
 * the caller against the repository. Shape errors are MANIFEST_INVALID.
 */
public final class ManifestParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Descriptors of these layer media types point outside the registry and need not be present. */
  private static final String FOREIGN = "foreign";

  private ManifestParser() {}

  /**
   * @param contentType the Content-Type the manifest was pushed with (may be null)
   * @return the parsed manifest; its media type is the Content-Type, or the body's mediaType field
   */
  public static ParsedManifest parse(byte[] body, String contentType) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw invalid("manifest is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid("manifest must be a JSON object");
    }
    String declared = root.path("mediaType").isTextual() ? root.get("mediaType").asText() : null;
    String ct = MediaTypes.bare(contentType);
    String mediaType = ct == null || ct.isEmpty() ? declared : contentType.trim();
    if (mediaType == null) {
      throw invalid("manifest media type unknown: send a Content-Type header");
    }
    String bare = MediaTypes.bare(mediaType);
    if (declared != null && (MediaTypes.isIndex(bare) || MediaTypes.isImageManifest(bare)) && !declared.equals(bare)) {
      throw invalid("mediaType " + declared + " does not match Content-Type " + bare);
    }
    List<Digest> blobs = new ArrayList<>();
    List<Digest> manifests = new ArrayList<>();
    if (MediaTypes.isIndex(bare)) {
      requireSchema2(root);
      JsonNode list = root.get("manifests");
      if (list == null || !list.isArray()) {
        throw invalid("index needs a manifests array");
      }
      for (JsonNode d : list) {
        manifests.add(descriptorDigest(d, "manifests[]"));
      }
    } else if (MediaTypes.isImageManifest(bare) || root.has("config") || root.has("layers")) {
      if (MediaTypes.isImageManifest(bare)) {
        requireSchema2(root);
      }
      JsonNode config = root.get("config");
      if (config == null && MediaTypes.isImageManifest(bare)) {
        throw invalid("manifest needs a config descriptor");
      }
      if (config != null) {
        blobs.add(descriptorDigest(config, "config"));
      }
      JsonNode layers = root.get("layers");
      if (layers != null && !layers.isArray()) {
        throw invalid("layers must be an array");
      }
      if (layers == null && isImage(bare)) {
        throw invalid("manifest needs a layers array");
      }
      if (layers != null) {
        for (JsonNode d : layers) {
          Digest digest = descriptorDigest(d, "layers[]");
          boolean foreign = d.path("mediaType").asText("").contains(FOREIGN) || d.has("urls");
          if (!foreign) {
            blobs.add(digest);
          }
        }
      }
    }
    Digest subject = root.has("subject") ? descriptorDigest(root.get("subject"), "subject") : null;
    String artifactType = root.path("artifactType").isTextual() ? root.get("artifactType").asText()
        : root.path("config").path("mediaType").isTextual() ? root.get("config").get("mediaType").asText() : null;
    Map<String, String> annotations = null;
    if (root.path("annotations").isObject()) {
      annotations = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) root.get("annotations")::fields) {
        annotations.put(e.getKey(), e.getValue().asText());
      }
    }
    return new ParsedManifest(mediaType, blobs, manifests, subject, artifactType, annotations);
  }

  private static boolean isImage(String bare) {
    return MediaTypes.isImageManifest(bare);
  }

  private static void requireSchema2(JsonNode root) {
    if (root.path("schemaVersion").asInt(-1) != 2) {
      throw invalid("schemaVersion must be 2");
    }
  }

  private static Digest descriptorDigest(JsonNode d, String where) {
    if (d == null || !d.isObject() || !d.path("digest").isTextual()) {
      throw invalid(where + " must be a descriptor with a digest");
    }
    if (!d.path("size").canConvertToLong() || d.get("size").asLong() < 0) {
      throw invalid(where + " descriptor needs a non-negative size");
    }
    try {
      return Digest.parse(d.get("digest").asText());
    } catch (RegistryException e) {
      throw invalid(where + ": " + e.getMessage());
    }
  }

  private static RegistryException invalid(String message) {
    return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
  }
}
