package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.jswarm.api.ImageSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

/**
 * Content-addressed image storage under {@code <dataRoot>/images}, like {@code docker import}.
 *
 * <pre>
 * images/blobs/sha256/HEX     layer blobs as pushed/pulled (imported ones uncompressed, so digest = diff_id),
 *                             configs, manifests
 * images/layers/HEX/          each layer unpacked once, named by its diff_id, OCI whiteouts in overlayfs form
 * images/layers/cHEX/         a layer with opaque dirs, named by its chain id (see {@link Whiteouts})
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
  /** Pulls of different names that share a layer download it once (see {@link LayerFetchLocks}). */
  private final LayerFetchLocks fetchLocks = new LayerFetchLocks();
  private volatile Function<String, List<String>> usersOf = id -> List.of();

  /**
   * One image in the index file.
   *
   * @param layers the layer blobs' digests (null in files written before pulls existed: = diffIds)
   * @param snapshots the unpacked layer dirs' names, bottom first (null: the diff ids' hex)
   */
  record Entry(String manifest, String config, List<String> diffIds, long size, long createdMs,
      List<String> layers, List<String> snapshots) {
    Entry(String manifest, String config, List<String> diffIds, long size, long createdMs) {
      this(manifest, config, diffIds, size, createdMs, null, null);
    }

    List<String> layerDigests() {
      return layers != null ? layers : diffIds;
    }

    List<String> snapshotNames() {
      return snapshots != null ? snapshots : diffIds.stream().map(Digests::hexOf).toList();
    }
  }

  /** The index file's content; {@code digests} maps pulled manifest (and index) digests to image ids. */
  record Index(Map<String, String> tags, Map<String, Entry> images, Map<String, String> digests) {
    Index {
      tags = new TreeMap<>(tags == null ? Map.of() : tags);
      images = new TreeMap<>(images == null ? Map.of() : images);
      digests = new TreeMap<>(digests == null ? Map.of() : digests);
    }

    Index(Map<String, String> tags, Map<String, Entry> images) {
      this(tags, images, null);
    }
  }

  /** Largest decompressed layer accepted (gzip bombs); {@link #ImageStore(Path, long)} sets it. */
  public static final long DEFAULT_MAX_LAYER_BYTES = 8L << 30;

  private final long maxLayerBytes;

  public ImageStore(Path dataRoot) {
    this(dataRoot, DEFAULT_MAX_LAYER_BYTES);
  }

  public ImageStore(Path dataRoot, long maxLayerBytes) {
    this.maxLayerBytes = maxLayerBytes;
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

  /** A new empty directory for work in progress (deleted at the next start if left behind). */
  Path newWorkDir() throws IOException {
    return Files.createDirectories(tmp.resolve(UUID.randomUUID().toString()));
  }

  long maxLayerBytes() {
    return maxLayerBytes;
  }

  /** The NAME:TAG a reference names when it is a tag of a stored image, else null (an id, a digest). */
  synchronized String tagName(String ref) {
    String tag = tagOrNull(ref);
    return tag != null && readIndex().tags().containsKey(tag) ? tag : null;
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
      long size;
      String diffId;
      try (OutputStream blobOut = Files.newOutputStream(blobTmp);
          LayerStreams.Measured tee = new LayerStreams.Measured(decompressed(rootfsTar), maxLayerBytes,
              "imported root filesystem", blobOut)) {
        size = unpacker.unpack(tee, unpacked);
        tee.transferTo(OutputStream.nullOutputStream());
        diffId = tee.digest();
      }
      String diffHex = diffId.substring("sha256:".length());
      long blobSize = Files.size(blobTmp);
      LibC.syncfs(work); // the layer's files are on disk before a rename publishes them
      // under the lock: gc() of a concurrent call must not see these files before the index does
      synchronized (this) {
        moveIfAbsent(blobTmp, blobs.resolve(diffHex));
        moveIfAbsent(unpacked, layers.resolve(diffHex));
        syncDirs();
        long created = System.currentTimeMillis();
        byte[] config = Json.bytes(ImportedImage.config(diffId, created));
        String configDigest = storeBlob(config);
        byte[] manifest = Json.bytes(ImportedImage.manifest(configDigest, config.length, diffId, blobSize));
        String manifestDigest = storeBlob(manifest);
        Index idx = readIndex();
        Entry existing = idx.images().get(configDigest);
        Entry kept = existing != null ? existing : new Entry(manifestDigest, configDigest, List.of(diffId), size, created);
        idx.images().put(configDigest, kept);
        // found by its manifest digest too: the pin of a service after the import reached the cluster registry
        idx.digests().put(kept.manifest(), configDigest);
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

  /** Where the layer blobs of an image being stored come from (a registry, an OCI layout). */
  @FunctionalInterface
  public interface BlobSource {
    InputStream open(String digest, long size) throws IOException;
  }

  /** Per-layer progress of {@link #putImage}: status is "exists" (nothing to fetch) or "done". */
  @FunctionalInterface
  public interface LayerListener {
    void layer(String digest, long size, String status);
  }

  /**
   * Stores a multi-layer OCI (or Docker schema2) image. The config must match the manifest's
   * descriptor; each layer blob is fetched only when missing, verified against its digest and
   * size, decompressed (gzip or plain) under the size cap, checked against the config's diff id
   * and unpacked once per diff id with whiteouts in overlayfs form. Nothing becomes visible until
   * every layer passed.
   *
   * @param tag NAME[:TAG] to point at the image, or null
   * @param aliases other digests to find the image by (the index it was picked from), may be empty
   * @return the stored image's summary; its id is the config digest
   */
  public ImageSummary putImage(String tag, List<String> aliases, byte[] manifest, byte[] config, BlobSource source,
      LayerListener listener) {
    String normTag = tag == null ? null : ImageRef.normalize(tag);
    JsonNode m = parse(manifest, "manifest");
    String mt = m.path("mediaType").asText("");
    if (!mt.isEmpty() && !mt.equals("application/vnd.oci.image.manifest.v1+json")
        && !mt.equals("application/vnd.docker.distribution.manifest.v2+json")) {
      throw new InvalidArchiveException("not an image manifest: " + mt);
    }
    String configDigest = m.path("config").path("digest").asText("");
    if (!configDigest.equals(Digests.of(config)) || m.path("config").path("size").asLong(-1) != config.length) {
      throw new InvalidArchiveException("image config does not match the manifest's digest " + configDigest);
    }
    JsonNode cfg = parse(config, "config");
    List<String> diffIds = strings(cfg.path("rootfs").path("diff_ids"));
    JsonNode layerList = m.path("layers");
    if (layerList.size() != diffIds.size() || diffIds.isEmpty()) {
      throw new InvalidArchiveException("manifest has " + layerList.size() + " layers, config " + diffIds.size() + " diff ids");
    }
    Path work = tmp.resolve(UUID.randomUUID().toString());
    List<java.util.concurrent.locks.Lock> held = fetchLocks.lockMissing(layerList, this::haveLayer);
    try {
      Files.createDirectories(work);
      List<String> layerDigests = new ArrayList<>();
      List<String> snapshots = new ArrayList<>();
      List<Path> dirs = new ArrayList<>(); // bottom first, where each is now (store or work dir)
      Map<Path, Path> toMove = new LinkedHashMap<>();
      long total = 0;
      String chain = null;
      for (int i = 0; i < diffIds.size(); i++) {
        JsonNode l = layerList.get(i);
        String digest = l.path("digest").asText("");
        long size = l.path("size").asLong(-1);
        String diffId = diffIds.get(i);
        Digests.hexOf(digest);
        Digests.hexOf(diffId);
        if (size < 0) {
          throw new InvalidArchiveException("layer " + digest + " has no size in the manifest");
        }
        chain = chain == null ? diffId : Digests.of((chain + " " + diffId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path blob = blobs.resolve(Digests.hexOf(digest));
        Path plain = layers.resolve(Digests.hexOf(diffId));
        Path chained = layers.resolve("c" + Digests.hexOf(chain));
        Path have = Files.isDirectory(plain) ? plain : Files.isDirectory(chained) ? chained : null;
        layerDigests.add(digest);
        if (have != null && Files.exists(blob)) {
          snapshots.add(have.getFileName().toString());
          dirs.add(have);
          listener.layer(digest, size, "exists");
          continue;
        }
        Path blobTmp = work.resolve(i + ".blob");
        Path unpacked = work.resolve(i + ".layer");
        Files.createDirectory(unpacked);
        LayerUnpacker.Result r;
        try (InputStream raw = source.open(digest, size);
            OutputStream copy = Files.newOutputStream(blobTmp);
            LayerStreams.Measured compressed = new LayerStreams.Measured(raw, size, "layer " + digest, copy);
            LayerStreams.Measured tar = new LayerStreams.Measured(LayerStreams.decompressed(compressed), maxLayerBytes,
                "decompressed layer " + digest)) {
          r = unpacker.unpack(tar, unpacked, true);
          tar.transferTo(OutputStream.nullOutputStream());
          compressed.transferTo(OutputStream.nullOutputStream());
          if (compressed.count() != size || !compressed.digest().equals(digest)) {
            throw new InvalidArchiveException("layer blob does not match its digest " + digest + " and size " + size);
          }
          if (!tar.digest().equals(diffId)) {
            throw new InvalidArchiveException("layer " + digest + " does not match its diff id " + diffId);
          }
        }
        LibC.syncfs(unpacked); // blob and files on disk before the renames below publish them
        total += r.size();
        Path finalDir = plain;
        if (!r.opaqueDirs().isEmpty()) {
          List<Path> lowerTopFirst = new ArrayList<>(dirs);
          java.util.Collections.reverse(lowerTopFirst);
          Whiteouts.applyOpaque(unpacked, r.opaqueDirs(), lowerTopFirst);
          finalDir = chained;
        }
        if (have == null) {
          snapshots.add(finalDir.getFileName().toString());
          dirs.add(unpacked);
          toMove.put(unpacked, finalDir);
        } else {
          snapshots.add(have.getFileName().toString());
          dirs.add(have);
        }
        toMove.put(blobTmp, blob);
        listener.layer(digest, size, "done");
      }
      synchronized (this) {
        for (String snap : snapshots) {
          Path p = layers.resolve(snap);
          if (!Files.isDirectory(p) && !toMove.containsValue(p)) {
            throw new EngineException("layer " + snap + " was removed while the image was stored; try again");
          }
        }
        for (Map.Entry<Path, Path> mv : toMove.entrySet()) {
          moveIfAbsent(mv.getKey(), mv.getValue());
        }
        if (!toMove.isEmpty()) {
          syncDirs();
        }
        storeBlob(config);
        String manifestDigest = storeBlob(manifest);
        Index idx = readIndex();
        Entry existing = idx.images().get(configDigest);
        long created = parseCreated(cfg.path("created").asText(""));
        idx.images().put(configDigest, existing != null && existing.layers() != null ? existing
            : new Entry(manifestDigest, configDigest, diffIds, total, created, layerDigests, snapshots));
        idx.digests().put(manifestDigest, configDigest);
        for (String a : aliases) {
          idx.digests().put(a, configDigest);
        }
        if (normTag != null) {
          idx.tags().put(normTag, configDigest);
        }
        writeIndex(idx);
        gc(idx);
        return summary(configDigest, idx);
      }
    } catch (IOException e) {
      throw new EngineException("storing image " + (tag == null ? configDigest : tag) + " failed: " + e.getMessage(), e);
    } finally {
      FileTrees.deleteRecursively(work);
      LayerFetchLocks.unlock(held);
    }
  }

  /** What a push needs: the image's manifest and config bytes and where its layer blobs are. */
  public record Stored(String id, String manifestDigest, byte[] manifest, byte[] config, List<String> layers) {}

  /** The stored manifest, config and layer list of an image, for a push. */
  public synchronized Optional<Stored> stored(String ref) {
    Index idx = readIndex();
    return findId(ref, idx).map(id -> {
      Entry e = idx.images().get(id);
      try {
        return new Stored(id, e.manifest(), Files.readAllBytes(blobs.resolve(Digests.hexOf(e.manifest()))),
            Files.readAllBytes(blobs.resolve(Digests.hexOf(e.config()))), e.layerDigests());
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read image " + id, ex);
      }
    });
  }

  /** The file holding a blob of a stored image (layers of {@link Stored}). */
  public Path blobPath(String digest) {
    return blobs.resolve(Digests.hexOf(digest));
  }

  /** Points NAME[:TAG] at the image {@code source} names (like docker tag). */
  public synchronized ImageSummary tag(String source, String target) {
    String normTag = ImageRef.normalize(target);
    Index idx = readIndex();
    String id = findId(source, idx).orElseThrow(() -> new NotFoundException("no such image: " + source));
    idx.tags().put(normTag, id);
    writeIndex(idx);
    return summary(id, idx);
  }

  /**
   * A Docker image config's HEALTHCHECK ({"Test": [...], "Interval": ns, "Timeout": ns,
   * "StartPeriod": ns, "Retries": n}), or null when the image has none.
   */
  static io.jswarm.api.HealthConfig healthcheck(com.fasterxml.jackson.databind.JsonNode h) {
    List<String> test = strings(h.path("Test"));
    if (test.isEmpty()) return null;
    return io.jswarm.api.HealthConfig.newBuilder().addAllTest(test)
        .setIntervalMs(h.path("Interval").asLong(0) / 1_000_000)
        .setTimeoutMs(h.path("Timeout").asLong(0) / 1_000_000)
        .setStartPeriodMs(h.path("StartPeriod").asLong(0) / 1_000_000)
        .setRetries(Math.max(0, h.path("Retries").asLong(0)))
        .build();
  }

  private static JsonNode parse(byte[] json, String what) {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      if (n == null || !n.isObject()) {
        throw new InvalidArchiveException("image " + what + " is not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new InvalidArchiveException("image " + what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static long parseCreated(String s) {
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (RuntimeException e) {
      return System.currentTimeMillis();
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
      idx.digests().values().removeIf(id::equals);
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
    int at = ref.indexOf('@');
    if (at >= 0) {
      String d = ref.substring(at + 1);
      return Optional.ofNullable(idx.digests().containsKey(d) ? idx.digests().get(d)
          : idx.images().containsKey(d) ? d : null);
    }
    if (idx.digests().containsKey(ref)) {
      return Optional.of(idx.digests().get(ref));
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
    List<Path> dirs = e.snapshotNames().stream().map(layers::resolve).toList();
    return new Image(id, tagsOf(id, idx), strings(cfg.path("Env")), strings(cfg.path("Entrypoint")),
        strings(cfg.path("Cmd")), cfg.path("WorkingDir").asText(""), cfg.path("User").asText(""),
        dirs, e.size(), e.createdMs(), healthcheck(cfg.path("Healthcheck")));
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
      e.layerDigests().forEach(d -> live.add(Digests.hexOf(d)));
      live.addAll(e.snapshotNames());
    }
    idx.digests().keySet().forEach(d -> live.add(Digests.hexOf(d)));
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
    return LayerStreams.decompressed(raw);
  }

  /** Whether a layer of the manifest is already stored (blob and unpacked dir): nothing to fetch. */
  private boolean haveLayer(JsonNode layer) {
    String digest = layer.path("digest").asText("");
    return digest.startsWith("sha256:") && Files.exists(blobs.resolve(Digests.hexOf(digest)));
  }

  /** Makes the renames into the store durable (the files were synced before). */
  private void syncDirs() throws IOException {
    LibC.fsync(layers);
    LibC.fsync(blobs);
  }
}
