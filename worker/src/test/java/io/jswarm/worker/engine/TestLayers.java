package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/** Images of layers in any of the three forms a registry serves: plain tar, gzip, zstd. */
public final class TestLayers {
  private TestLayers() {}

  /** Docker's empty layer: the tar end marker alone, 1024 zero bytes (diff_id sha256:5f70bf18...). */
  public static final byte[] EMPTY_TAR = new byte[1024];

  public enum Compression {
    NONE("application/vnd.oci.image.layer.v1.tar"),
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

    final String mediaType;

    Compression(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  public record Layer(byte[] tar, Compression compression) {}

  /** Manifest, config and blobs; {@link #opens} counts fetches per blob digest. */
  public static final class Built {
    public final Map<String, byte[]> blobs = new HashMap<>();
    public final Map<String, AtomicInteger> opens = new java.util.concurrent.ConcurrentHashMap<>();
    public byte[] manifest;
    public byte[] config;

    public ImageStore.BlobSource source() {
      return (digest, size) -> {
        opens.computeIfAbsent(digest, d -> new AtomicInteger()).incrementAndGet();
        return new ByteArrayInputStream(blobs.get(digest));
      };
    }

    /** Stores the image under {@code tag}; returns its id. */
    public String putInto(ImageStore store, String tag) {
      return store.putImage(tag, List.of(), manifest, config, source(), (d, s, st) -> { }).getId();
    }
  }

  public static Built image(List<Layer> layers) {
    Built b = new Built();
    ObjectNode cfg = Json.MAPPER.createObjectNode();
    cfg.put("architecture", "amd64").put("os", "linux");
    cfg.putObject("config").putArray("Env").add(ImageStore.DEFAULT_PATH);
    ArrayNode diffIds = cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ArrayNode ls = m.putArray("layers");
    for (Layer l : layers) {
      diffIds.add(Digests.of(l.tar()));
      byte[] blob = compress(l.tar(), l.compression());
      String d = Digests.of(blob);
      b.blobs.put(d, blob);
      ls.addObject().put("mediaType", l.compression().mediaType).put("digest", d).put("size", blob.length);
    }
    b.config = Json.bytes(cfg);
    m.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", Digests.of(b.config)).put("size", b.config.length);
    b.manifest = Json.bytes(m);
    return b;
  }

  static byte[] compress(byte[] tar, Compression c) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      switch (c) {
        case NONE -> out.write(tar);
        case GZIP -> {
          try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar);
          }
        }
        case ZSTD -> {
          try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(tar);
          }
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
