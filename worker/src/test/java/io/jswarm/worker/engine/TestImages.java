package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Puts a one-layer OCI image with a HEALTHCHECK in its config into a store (tests of other packages). */
public final class TestImages {
  private TestImages() {}

  /** @return the image id */
  public static String withHealthcheck(ImageStore store, String tag, byte[] layerTar, List<String> test,
      long intervalMs, long retries) throws IOException {
    ByteArrayOutputStream gzOut = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(gzOut)) {
      gz.write(layerTar);
    }
    byte[] layer = gzOut.toByteArray();
    ObjectNode cfg = Json.MAPPER.createObjectNode();
    cfg.put("architecture", "amd64").put("os", "linux");
    ObjectNode c = cfg.putObject("config");
    c.putArray("Env").add("PATH=/bin");
    ObjectNode h = c.putObject("Healthcheck");
    test.forEach(h.putArray("Test")::add);
    h.put("Interval", intervalMs * 1_000_000).put("Timeout", 1_000_000_000L).put("Retries", retries);
    cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(Digests.of(layerTar));
    byte[] config = Json.bytes(cfg);
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    m.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", Digests.of(config)).put("size", config.length);
    m.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
        .put("digest", Digests.of(layer)).put("size", layer.length);
    Map<String, byte[]> blobs = new HashMap<>(Map.of(Digests.of(layer), layer));
    store.putImage(tag, List.of(), Json.bytes(m), config, (d, size) -> new ByteArrayInputStream(blobs.get(d)),
        (d, s, st) -> { });
    return store.resolve(tag).orElseThrow().id();
  }
}
