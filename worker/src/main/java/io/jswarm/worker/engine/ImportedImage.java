package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The OCI config and manifest {@code image import} writes for a root filesystem tarball: one layer, this platform. */
final class ImportedImage {
  private ImportedImage() {}

  /**
   * RFC 3339 as Go's encoding/json writes a time: no trailing zeros in the fraction. Tools written
   * in Go (skopeo, umoci, docker) re-marshal an image config when they convert it; with Java's
   * "…:11.120Z" the bytes, hence the image id, changed whenever the milliseconds ended in 0.
   */
  static String goTime(long ms) {
    String s = Instant.ofEpochMilli(ms).toString();
    return s.contains(".") ? s.replaceAll("0+Z$", "Z") : s;
  }

  static ObjectNode config(String diffId, long createdMs) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    String created = goTime(createdMs);
    c.put("created", created);
    c.put("architecture", ImagePuller.arch());
    c.put("os", "linux");
    c.putObject("config").putArray("Env").add(ImageStore.DEFAULT_PATH);
    ObjectNode rootfs = c.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId);
    ObjectNode h = c.putArray("history").addObject();
    h.put("created", created);
    h.put("created_by", "jswarm image import");
    return c;
  }

  static ObjectNode manifest(String config, long configSize, String layer, long layerSize) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ObjectNode c = m.putObject("config");
    c.put("mediaType", "application/vnd.oci.image.config.v1+json");
    c.put("digest", config);
    c.put("size", configSize);
    ObjectNode l = m.putArray("layers").addObject();
    l.put("mediaType", "application/vnd.oci.image.layer.v1.tar");
    l.put("digest", layer);
    l.put("size", layerSize);
    return m;
  }
}
