package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.api.ImageSummary;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Content-addressed image storage under {@code <dataRoot>/images}, like {@code docker import}.
 *
 * <pre>
 * images/blobs/sha256/HEX     layer tars (uncompressed, so digest = diff_id), configs, manifests
 * images/layers/HEX/          each layer unpacked once, named by its diff_id
 * images/index.json           tags and the images' manifests (written atomically)
 * images/tmp/                 in-progress imports; anything here at startup is garbage
 * </pre>
 */
public final class ImageStore {
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path root;
  private final Path blobs;
  private final Path layers;
  private final Path tmp;
  private final Path indexFile;
  private final LayerUnpacker unpacker = new LayerUnpacker();
  private volatile Function<String, List<String>> usersOf = id -> List.of();

  /** One image in the index file. */
  record Entry(String manifest, String config, List<String> diffIds, long size, long createdMs) {}

  /** The index file's content. */
  record Index(Map<String, String> tags, Map<String, Entry> images) {
    Index {
      tags = new TreeMap<>(tags == null ? Map.of() : tags);
      images = new TreeMap<>(images == null ? Map.of() : images);
    }
  }

  public ImageStore(Path dataRoot) {
    this.root = dataRoot.resolve("images");
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.layers = root.resolve("layers");
    this.tmp = root.resolve("tmp");
    this.indexFile = root.resolve("index.json");
    try {
      Files.createDirectories(blobs);
      Files.createDirectories(layers);
      FileTrees.deleteRecursively(tmp);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create image store in " + root, e);
    }
  }

  /** Tells the store which containers use an image id, so that remove can refuse. */
  void setUsage(Function<String, List<String>> containersUsingImage) {
    this.usersOf = containersUsingImage;
  }

  /**
   * Imports a rootfs tar (plain or gzip) as a one-layer image tagged {@code reference}.
   *
   * @throws InvalidArchiveException the tar is malformed or unsafe; nothing is kept
   */
  public ImageSummary importImage(String reference, InputStream rootfsTar) {
    String tag = ImageRef.normalize(reference);
    Path work = tmp.resolve(UUID.randomUUID().toString());
    try {
      Files.createDirectories(work);
      Path blobTmp = work.resolve("layer.tar");
      Path unpacked = work.resolve("rootfs");
      Files.createDirectory(unpacked);
      MessageDigest digest = Digests.sha256();
      long size;
      try (OutputStream blobOut = Files.newOutputStream(blobTmp);
          InputStream tee = new TeeInputStream(decompressed(rootfsTar), blobOut, digest)) {
        size = unpacker.unpack(tee, unpacked);
        tee.transferTo(OutputStream.nullOutputStream());
      }
      String diffHex = Digests.hex(digest);
      String diffId = "sha256:" + diffHex;
      long blobSize = Files.size(blobTmp);
      // under the lock: gc() of a concurrent call must not see these files before the index does
      synchronized (this) {
        moveIfAbsent(blobTmp, blobs.resolve(diffHex));
        moveIfAbsent(unpacked, layers.resolve(diffHex));
        long created = System.currentTimeMillis();
        byte[] config = Json.bytes(configJson(diffId, created));
        String configDigest = storeBlob(config);
        byte[] manifest = Json.bytes(manifestJson(configDigest, config.length, diffId, blobSize));
        String manifestDigest = storeBlob(manifest);
        Index idx = readIndex();
        Entry existing = idx.images().get(configDigest);
        idx.images().put(configDigest,
            existing != null ? existing : new Entry(manifestDigest, configDigest, List.of(diffId), size, created));
        idx.tags().put(tag, configDigest);
        writeIndex(idx);
        gc(idx);
        return summary(configDigest, idx);
      }
    } catch (IOException e) {
      throw new EngineException("import of " + tag + " failed: " + e.getMessage(), e);
    } finally {
      FileTrees.deleteRecursively(work);
    }
  }

  public synchronized List<ImageSummary> list() {
    Index idx = readIndex();
    List<ImageSummary> out = new ArrayList<>();
    for (String id : idx.images().keySet()) {
      out.add(summary(id, idx));
    }
    out.sort(Comparator.comparingLong(ImageSummary::getCreatedMs).reversed());
    return out;
  }

  /** Finds an image by NAME[:TAG], by {@code sha256:<hex>} id, or by a unique id prefix of 12+ hex. */
  public synchronized Optional<Image> resolve(String ref) {
    Index idx = readIndex();
    return findId(ref, idx).map(id -> toImage(id, idx));
  }

  /** The result of {@link #remove}: tags taken off, image ids deleted. */
  public record Removed(List<String> untagged, List<String> deleted) {}

  /**
   * Removes a tag, or an image by id with all its tags. The image itself is deleted when no tag is
   * left. While a container uses the image: refused with {@link InUseException}, unless {@code
   * force}, which only untags (the container keeps its layers).
   */
  public synchronized Removed remove(String ref, boolean force) {
    Index idx = readIndex();
    String id = findId(ref, idx).orElseThrow(() -> new NotFoundException("no such image: " + ref));
    List<String> users = usersOf.apply(id);
    if (!users.isEmpty() && !force) {
      throw new InUseException("image " + ref + " is in use by container " + String.join(", ", users)
          + "; remove the container first or force the removal");
    }
    List<String> untagged = new ArrayList<>();
    boolean byTag = idx.tags().containsKey(tagOrNull(ref));
    if (byTag) {
      untagged.add(tagOrNull(ref));
      idx.tags().remove(tagOrNull(ref));
    } else {
      idx.tags().entrySet().removeIf(t -> {
        if (t.getValue().equals(id)) {
          untagged.add(t.getKey());
          return true;
        }
        return false;
      });
    }
    List<String> deleted = new ArrayList<>();
    if (users.isEmpty() && !idx.tags().containsValue(id)) {
      idx.images().remove(id);
      deleted.add(id);
    }
    writeIndex(idx);
    gc(idx);
    return new Removed(untagged, deleted);
  }

  // ---------------------------------------------------------------- internals

  private static String tagOrNull(String ref) {
    try {
      return ImageRef.normalize(ref);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Optional<String> findId(String ref, Index idx) {
    if (ref == null || ref.isEmpty()) {
      return Optional.empty();
    }
    if (idx.images().containsKey(ref)) {
      return Optional.of(ref);
    }
    String hex = ref.startsWith("sha256:") ? ref.substring(7) : ref;
    if (hex.matches("[0-9a-f]{12,64}")) {
      List<String> matches = idx.images().keySet().stream().filter(i -> i.startsWith("sha256:" + hex)).toList();
      if (matches.size() == 1) {
        return Optional.of(matches.get(0));
      }
    }
    String tag = tagOrNull(ref);
    return tag == null ? Optional.empty() : Optional.ofNullable(idx.tags().get(tag));
  }

  private Image toImage(String id, Index idx) {
    Entry e = idx.images().get(id);
    JsonNode cfg;
    try {
      cfg = Json.MAPPER.readTree(blobs.resolve(Digests.hexOf(e.config())).toFile()).path("config");
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read image config " + id, ex);
    }
    List<Path> dirs = e.diffIds().stream().map(d -> layers.resolve(Digests.hexOf(d))).toList();
    return new Image(id, tagsOf(id, idx), strings(cfg.path("Env")), strings(cfg.path("Entrypoint")),
        strings(cfg.path("Cmd")), cfg.path("WorkingDir").asText(""), cfg.path("User").asText(""),
        dirs, e.size(), e.createdMs());
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.asText()));
    return List.copyOf(out);
  }

  private static List<String> tagsOf(String id, Index idx) {
    return idx.tags().entrySet().stream().filter(t -> t.getValue().equals(id)).map(Map.Entry::getKey).toList();
  }

  private ImageSummary summary(String id, Index idx) {
    Entry e = idx.images().get(id);
    return ImageSummary.newBuilder().setId(id).addAllTags(tagsOf(id, idx)).setSize(e.size())
        .setCreatedMs(e.createdMs()).build();
  }

  private Index readIndex() {
    if (!Files.exists(indexFile)) {
      return new Index(Map.of(), Map.of());
    }
    return Json.read(indexFile, Index.class);
  }

  private void writeIndex(Index idx) {
    Json.writeAtomic(indexFile, idx);
  }

  /** Deletes blobs and layer dirs no image in the index refers to. */
  private void gc(Index idx) {
    java.util.Set<String> live = new java.util.HashSet<>();
    for (Entry e : idx.images().values()) {
      live.add(Digests.hexOf(e.manifest()));
      live.add(Digests.hexOf(e.config()));
      e.diffIds().forEach(d -> live.add(Digests.hexOf(d)));
    }
    try (var s = Files.list(blobs)) {
      s.filter(p -> !live.contains(p.getFileName().toString())).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (var s = Files.list(layers)) {
      s.filter(p -> !live.contains(p.getFileName().toString())).forEach(FileTrees::deleteRecursively);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String storeBlob(byte[] content) throws IOException {
    String digest = Digests.of(content);
    Path dst = blobs.resolve(Digests.hexOf(digest));
    if (!Files.exists(dst)) {
      Path t = tmp.resolve(UUID.randomUUID() + ".blob");
      Files.write(t, content);
      Files.move(t, dst, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return digest;
  }

  private static void moveIfAbsent(Path src, Path dst) throws IOException {
    if (Files.exists(dst)) {
      return;
    }
    try {
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      // a concurrent import of the same layer won; its content is identical
    }
  }

  private static InputStream decompressed(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 65536);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      return new GZIPInputStream(in, 65536);
    }
    return in;
  }

  private static ObjectNode configJson(String diffId, long createdMs) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    String created = Instant.ofEpochMilli(createdMs).toString();
    c.put("created", created);
    c.put("architecture", arch());
    c.put("os", "linux");
    c.putObject("config").putArray("Env").add(DEFAULT_PATH);
    ObjectNode rootfs = c.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId);
    ObjectNode h = c.putArray("history").addObject();
    h.put("created", created);
    h.put("created_by", "jswarm image import");
    return c;
  }

  private static ObjectNode manifestJson(String config, long configSize, String layer, long layerSize) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ObjectNode c = m.putObject("config");
    c.put("mediaType", "application/vnd.oci.image.config.v1+json");
    c.put("digest", config);
    c.put("size", configSize);
    ArrayNode layersNode = m.putArray("layers");
    ObjectNode l = layersNode.addObject();
    l.put("mediaType", "application/vnd.oci.image.layer.v1.tar");
    l.put("digest", layer);
    l.put("size", layerSize);
    return m;
  }

  private static String arch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> a;
    };
  }

  /** Copies every byte read to a file and a digest. */
  private static final class TeeInputStream extends FilterInputStream {
    private final OutputStream copy;
    private final MessageDigest digest;

    TeeInputStream(InputStream in, OutputStream copy, MessageDigest digest) {
      super(in);
      this.copy = copy;
      this.digest = digest;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        copy.write(b);
        digest.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        copy.write(b, off, n);
        digest.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
