package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.api.ImageSummary;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code image save|load}: stored images as one tar, either an OCI image layout ({@code
 * oci-layout}, {@code index.json}, {@code blobs/sha256/…}) or a docker-archive as {@code docker
 * save} writes it ({@code manifest.json}, {@code <config>.json}, {@code <diffid>/layer.tar}).
 *
 * <p>Loading treats the tar as untrusted: it is unpacked into a work directory with every path
 * checked (no absolute paths, no {@code ..}, links only to files inside the archive, no devices),
 * entry and total sizes capped; then every blob of every image is verified (manifest, index and
 * config digests and sizes, layer digests and sizes, decompressed layers against the config's
 * diff ids) before the first image is stored. Any failure leaves the store as it was.
 *
 * <p>Saving is deterministic: equal images give equal bytes (entries in a fixed order, mtime 0).
 */
public final class ImageArchives {
  static final int MAX_JSON_BYTES = 4 << 20;
  static final int MAX_ENTRIES = 100_000;
  static final long MAX_TOTAL_BYTES = 256L << 30;
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

  private final ImageStore store;

  public ImageArchives(ImageStore store) {
    this.store = store;
  }

  // ------------------------------------------------------------------ save

  /**
   * Writes the images {@code refs} name as one tar to {@code out}.
   *
   * @param format "oci" or "docker"
   * @throws NotFoundException an image is not stored (nothing is written then)
   */
  public void save(List<String> refs, String format, OutputStream out) throws IOException {
    if (!format.equals("oci") && !format.equals("docker")) {
      throw new IllegalArgumentException("unknown archive format \"" + format + "\": use oci or docker");
    }
    if (refs.isEmpty()) throw new IllegalArgumentException("name at least one image to save");
    // every image resolved before the first byte: a missing one fails the call cleanly
    Map<String, ImageStore.Stored> images = new LinkedHashMap<>();
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (String r : refs) {
      ImageStore.Stored s = store.stored(r).orElseThrow(() -> new NotFoundException("no such image: " + r));
      images.putIfAbsent(s.id(), s);
      List<String> n = names.computeIfAbsent(s.id(), k -> new ArrayList<>());
      String tag = store.tagName(r);
      if (tag != null && !n.contains(tag)) n.add(tag);
    }
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 1 << 16);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    if (format.equals("oci")) {
      saveOci(images, names, tar);
    } else {
      saveDocker(images, names, tar);
    }
    tar.finish();
    tar.flush();
  }

  private void saveOci(Map<String, ImageStore.Stored> images, Map<String, List<String>> names,
      TarArchiveOutputStream tar) throws IOException {
    ObjectNode layout = Json.MAPPER.createObjectNode().put("imageLayoutVersion", "1.0.0");
    putBytes(tar, "oci-layout", Json.bytes(layout));
    putDir(tar, "blobs/");
    putDir(tar, "blobs/sha256/");
    Set<String> written = new HashSet<>();
    ArrayNode manifests = Json.MAPPER.createArrayNode();
    for (ImageStore.Stored s : images.values()) {
      JsonNode m = Json.MAPPER.readTree(s.manifest());
      for (String layer : s.layers()) {
        if (written.add(layer)) putFile(tar, "blobs/sha256/" + Digests.hexOf(layer), store.blobPath(layer));
      }
      String config = Digests.of(s.config());
      if (written.add(config)) putBytes(tar, "blobs/sha256/" + Digests.hexOf(config), s.config());
      if (written.add(s.manifestDigest())) putBytes(tar, "blobs/sha256/" + Digests.hexOf(s.manifestDigest()), s.manifest());
      String mediaType = m.path("mediaType").asText(OCI_MANIFEST);
      List<String> n = names.get(s.id());
      for (int i = 0; i < Math.max(1, n.size()); i++) {
        ObjectNode d = manifests.addObject();
        d.put("mediaType", mediaType.isEmpty() ? OCI_MANIFEST : mediaType);
        d.put("digest", s.manifestDigest());
        d.put("size", s.manifest().length);
        if (!n.isEmpty()) {
          d.putObject("annotations").put(CONTAINERD_NAME, n.get(i)).put(REF_NAME, n.get(i));
        }
      }
    }
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    index.set("manifests", manifests);
    putBytes(tar, "index.json", Json.bytes(index));
  }

  private void saveDocker(Map<String, ImageStore.Stored> images, Map<String, List<String>> names,
      TarArchiveOutputStream tar) throws IOException {
    ArrayNode manifest = Json.MAPPER.createArrayNode();
    Set<String> written = new HashSet<>();
    Path work = store.newWorkDir();
    try {
      for (ImageStore.Stored s : images.values()) {
        JsonNode cfg = Json.MAPPER.readTree(s.config());
        List<String> diffIds = new ArrayList<>();
        cfg.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        if (diffIds.size() != s.layers().size()) {
          throw new EngineException("image " + s.id() + " has " + s.layers().size() + " layers but "
              + diffIds.size() + " diff ids");
        }
        String configName = Digests.hexOf(s.id()) + ".json";
        if (written.add(configName)) putBytes(tar, configName, s.config());
        ObjectNode e = manifest.addObject();
        e.put("Config", configName);
        ArrayNode tags = e.putArray("RepoTags");
        names.get(s.id()).forEach(tags::add);
        ArrayNode layers = e.putArray("Layers");
        for (int i = 0; i < diffIds.size(); i++) {
          String dir = Digests.hexOf(diffIds.get(i)) + "/";
          String name = dir + "layer.tar";
          layers.add(name);
          if (!written.add(name)) continue;
          putDir(tar, dir);
          Path blob = store.blobPath(s.layers().get(i));
          if (s.layers().get(i).equals(diffIds.get(i))) {
            putFile(tar, name, blob);
          } else {
            // docker-archive layers are plain tars, named by their diff id: decompress first
            Path plain = work.resolve(Digests.hexOf(diffIds.get(i)));
            try (InputStream in = LayerStreams.decompressed(Files.newInputStream(blob));
                OutputStream o = Files.newOutputStream(plain)) {
              in.transferTo(o);
            }
            putFile(tar, name, plain);
            Files.delete(plain);
          }
        }
      }
      putBytes(tar, "manifest.json", Json.bytes(manifest));
    } finally {
      FileTrees.deleteRecursively(work);
    }
  }

  private static TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setMode(0644);
    e.setModTime(0);
    return e;
  }

  private static void putDir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static void putBytes(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    tar.putArchiveEntry(entry(name, content.length));
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void putFile(TarArchiveOutputStream tar, String name, Path file) throws IOException {
    tar.putArchiveEntry(entry(name, Files.size(file)));
    Files.copy(file, tar);
    tar.closeArchiveEntry();
  }

  // ------------------------------------------------------------------ load

  /** What a load stored: each image and the names it got (empty: untagged). */
  public record Loaded(ImageSummary image, List<String> names) {}

  /** One image found in an archive, verified, not stored yet. */
  private record Candidate(List<String> names, List<String> aliases, byte[] manifest, byte[] config,
      Map<String, Path> blobs) {}

  /**
   * Reads an OCI-layout or docker-archive tar and stores every image in it.
   *
   * @throws InvalidArchiveException the archive is malformed, unsafe or does not match its digests;
   *     nothing was stored
   */
  public List<Loaded> load(InputStream in) {
    Path work;
    try {
      work = store.newWorkDir();
    } catch (IOException e) {
      throw new EngineException("cannot create a work directory: " + e.getMessage(), e);
    }
    try {
      Path root = work.resolve("archive");
      Files.createDirectory(root);
      extract(in, root);
      List<Candidate> found;
      if (Files.isRegularFile(root.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)) {
        found = fromOci(root);
      } else if (Files.isRegularFile(root.resolve("manifest.json"), LinkOption.NOFOLLOW_LINKS)) {
        found = fromDocker(root);
      } else {
        throw new InvalidArchiveException("not an image archive: it has neither index.json (OCI image layout) "
            + "nor manifest.json (docker save)");
      }
      if (found.isEmpty()) throw new InvalidArchiveException("the archive holds no image");
      for (Candidate c : found) verify(c);
      List<Loaded> out = new ArrayList<>();
      for (Candidate c : found) {
        ImageSummary s = store.putImage(c.names().isEmpty() ? null : c.names().get(0), c.aliases(), c.manifest(),
            c.config(), (d, size) -> Files.newInputStream(c.blobs().get(d)), (d, size, st) -> { });
        for (String n : c.names().subList(Math.min(1, c.names().size()), c.names().size())) {
          s = store.tag(s.getId(), n);
        }
        out.add(new Loaded(s, c.names()));
      }
      return out;
    } catch (IOException e) {
      throw new InvalidArchiveException("cannot read the image archive: " + e.getMessage(), e);
    } finally {
      FileTrees.deleteRecursively(work);
    }
  }

  /** Unpacks regular files and directories under {@code root}; links become copies of files inside. */
  private static void extract(InputStream in, Path root) throws IOException {
    Map<String, String> links = new LinkedHashMap<>(); // name -> target name (archive paths)
    int count = 0;
    long total = 0;
    TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in, 1 << 16));
    TarArchiveEntry e;
    while ((e = nextEntry(tar)) != null) {
      if (++count > MAX_ENTRIES) throw new InvalidArchiveException("more than " + MAX_ENTRIES + " entries");
      String name = safeName(e.getName());
      if (name.isEmpty()) continue;
      Path p = root.resolve(name);
      if (e.isDirectory()) {
        Files.createDirectories(p);
      } else if (e.isSymbolicLink()) {
        if (e.getLinkName().startsWith("/")) {
          throw new InvalidArchiveException(name + ": a symbolic link to an absolute path (" + e.getLinkName() + ")");
        }
        String parent = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
        links.put(name, safeName(e.getName() + "/../" + e.getLinkName(), parent + e.getLinkName()));
      } else if (e.isLink()) {
        links.put(name, safeName(e.getLinkName()));
      } else if (e.getLinkFlag() == TarArchiveEntry.LF_NORMAL || e.getLinkFlag() == TarArchiveEntry.LF_OLDNORM
          || e.getLinkFlag() == TarArchiveEntry.LF_CONTIG) {
        if (e.getSize() < 0 || e.getSize() > MAX_TOTAL_BYTES - total) {
          throw new InvalidArchiveException(name + " declares " + e.getSize() + " bytes: more than an image archive "
              + "may hold (" + MAX_TOTAL_BYTES + " bytes in all)");
        }
        total += e.getSize();
        Files.createDirectories(p.getParent());
        try {
          long n = Files.copy(tar, p);
          if (n != e.getSize()) throw new InvalidArchiveException(name + " is truncated");
        } catch (FileAlreadyExistsException dup) {
          throw new InvalidArchiveException(name + " appears twice in the archive");
        }
      } else {
        throw new InvalidArchiveException(name + ": devices, fifos and other special files have no place in an "
            + "image archive");
      }
    }
    for (Map.Entry<String, String> l : links.entrySet()) {
      Path target = root.resolve(l.getValue());
      if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArchiveException(l.getKey() + " links to " + l.getValue() + ", which is not a file in the archive");
      }
      Path p = root.resolve(l.getKey());
      Files.createDirectories(p.getParent());
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) throw new InvalidArchiveException(l.getKey() + " appears twice");
      Files.createLink(p, target);
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidArchiveException("not a valid tar: " + e.getMessage(), e);
    }
  }

  /** An archive path made relative and checked: no absolute path, no {@code ..}, no NUL or backslash. */
  static String safeName(String raw) {
    return safeName(raw, raw);
  }

  private static String safeName(String shown, String raw) {
    String n = raw;
    if (n.startsWith("/") || n.indexOf('\0') >= 0 || n.indexOf('\\') >= 0) {
      throw new InvalidArchiveException(shown + ": absolute or malformed path in the archive");
    }
    List<String> parts = new ArrayList<>();
    for (String seg : n.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) continue;
      if (seg.equals("..")) {
        if (parts.isEmpty()) throw new InvalidArchiveException(shown + ": the path leaves the archive");
        parts.remove(parts.size() - 1);
        continue;
      }
      parts.add(seg);
    }
    return String.join("/", parts);
  }

  private List<Candidate> fromOci(Path root) throws IOException {
    Path layoutFile = root.resolve("oci-layout");
    if (!Files.isRegularFile(layoutFile)) throw new InvalidArchiveException("index.json without oci-layout: not an OCI image layout");
    String version = readJson(layoutFile, "oci-layout").path("imageLayoutVersion").asText("");
    if (!version.startsWith("1.")) throw new InvalidArchiveException("unsupported OCI image layout version \"" + version + "\"");
    JsonNode index = readJson(root.resolve("index.json"), "index.json");
    List<Candidate> out = new ArrayList<>();
    Map<String, Candidate> byManifest = new LinkedHashMap<>();
    for (JsonNode d : index.path("manifests")) {
      String digest = d.path("digest").asText("");
      byte[] bytes = blob(root, digest, d.path("size").asLong(-1), "manifest");
      JsonNode m = parse(bytes, "manifest " + digest);
      String mt = d.path("mediaType").asText(m.path("mediaType").asText(""));
      List<String> aliases = new ArrayList<>();
      if (mt.equals(OCI_INDEX) || mt.equals(DOCKER_LIST)) {
        JsonNode pick = pickPlatform(m, digest);
        aliases.add(digest);
        digest = pick.path("digest").asText("");
        bytes = blob(root, digest, pick.path("size").asLong(-1), "manifest");
        m = parse(bytes, "manifest " + digest);
        mt = pick.path("mediaType").asText(m.path("mediaType").asText(""));
      }
      if (!mt.isEmpty() && !mt.equals(OCI_MANIFEST) && !mt.equals(DOCKER_MANIFEST)) {
        throw new InvalidArchiveException("manifest " + digest + " is a " + mt + ", not an image");
      }
      String name = nameOf(d.path("annotations"));
      Candidate have = byManifest.get(digest);
      if (have != null) {
        if (name != null && !have.names().contains(name)) have.names().add(name);
        have.aliases().addAll(aliases);
        continue;
      }
      JsonNode cd = m.path("config");
      byte[] config = blob(root, cd.path("digest").asText(""), cd.path("size").asLong(-1), "config");
      Map<String, Path> blobs = new LinkedHashMap<>();
      for (JsonNode l : m.path("layers")) {
        String ld = l.path("digest").asText("");
        blobs.put(ld, blobPath(root, ld));
      }
      List<String> names = new ArrayList<>();
      if (name != null) names.add(name);
      Candidate c = new Candidate(names, aliases, bytes, config, blobs);
      byManifest.put(digest, c);
      out.add(c);
    }
    return out;
  }

  /** The image name of an index entry: containerd's full name, else a ref.name that is NAME:TAG. */
  private static String nameOf(JsonNode annotations) {
    String full = annotations.path(CONTAINERD_NAME).asText("");
    String ref = annotations.path(REF_NAME).asText("");
    String n = !full.isEmpty() ? full : ref.contains(":") || ref.contains("/") ? ref : "";
    if (n.isEmpty()) return null;
    try {
      io.jswarm.registry.client.ImageReference r = io.jswarm.registry.client.ImageReference.parse(n);
      if (r.digest() != null && r.tag() == null) return null;
      return familiar(r);
    } catch (IllegalArgumentException e) {
      throw new InvalidArchiveException("invalid image name \"" + n + "\" in index.json");
    }
  }

  /**
   * NAME:TAG as docker shows it: archives written by docker and skopeo name Docker Hub images in
   * full (docker.io/library/busybox:latest), which here is the bare name busybox:latest.
   */
  static String familiar(io.jswarm.registry.client.ImageReference r) {
    String name = r.name();
    for (String hub : List.of("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/")) {
      if (name.startsWith(hub)) {
        name = name.substring(hub.length());
        break;
      }
    }
    return ImageRef.normalize(name + ":" + (r.tag() == null ? "latest" : r.tag()));
  }

  private static JsonNode pickPlatform(JsonNode index, String digest) {
    String arch = ImagePuller.arch();
    for (JsonNode d : index.path("manifests")) {
      JsonNode p = d.path("platform");
      if (p.path("os").asText("").equals("linux") && p.path("architecture").asText("").equals(arch)) return d;
    }
    throw new InvalidArchiveException("index " + digest + " has no linux/" + arch + " image");
  }

  private List<Candidate> fromDocker(Path root) throws IOException {
    JsonNode entries = readJson(root.resolve("manifest.json"), "manifest.json");
    if (!entries.isArray()) throw new InvalidArchiveException("manifest.json is not a list of images");
    List<Candidate> out = new ArrayList<>();
    for (JsonNode e : entries) {
      Path configFile = inside(root, e.path("Config").asText(""), "Config");
      byte[] config = readSmall(configFile, "config");
      ObjectNode m = Json.MAPPER.createObjectNode();
      m.put("schemaVersion", 2);
      m.put("mediaType", OCI_MANIFEST);
      ObjectNode cd = m.putObject("config");
      cd.put("mediaType", "application/vnd.oci.image.config.v1+json");
      cd.put("digest", Digests.of(config));
      cd.put("size", config.length);
      ArrayNode layers = m.putArray("layers");
      Map<String, Path> blobs = new LinkedHashMap<>();
      for (JsonNode l : e.path("Layers")) {
        Path f = inside(root, l.asText(""), "Layers");
        String digest = fileDigest(f);
        ObjectNode ld = layers.addObject();
        ld.put("mediaType", gzipped(f) ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar");
        ld.put("digest", digest);
        ld.put("size", Files.size(f));
        blobs.put(digest, f);
      }
      List<String> names = new ArrayList<>();
      for (JsonNode t : e.path("RepoTags")) {
        try {
          io.jswarm.registry.client.ImageReference r = io.jswarm.registry.client.ImageReference.parse(t.asText(""));
          String n = familiar(r);
          if (!names.contains(n)) names.add(n);
        } catch (IllegalArgumentException ex) {
          throw new InvalidArchiveException("invalid image name \"" + t.asText() + "\" in manifest.json");
        }
      }
      out.add(new Candidate(names, new ArrayList<>(), Json.bytes(m), config, blobs));
    }
    return out;
  }

  /** Checks every blob of an image against the manifest and the config, without storing anything. */
  private void verify(Candidate c) throws IOException {
    JsonNode m = parse(c.manifest(), "manifest");
    JsonNode cfg = parse(c.config(), "config");
    JsonNode diffIds = cfg.path("rootfs").path("diff_ids");
    JsonNode layers = m.path("layers");
    if (layers.size() == 0 || layers.size() != diffIds.size()) {
      throw new InvalidArchiveException("image has " + layers.size() + " layers but its config lists " + diffIds.size()
          + " diff ids");
    }
    for (int i = 0; i < layers.size(); i++) {
      String digest = layers.get(i).path("digest").asText("");
      long size = layers.get(i).path("size").asLong(-1);
      Path f = c.blobs().get(digest);
      if (f == null || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArchiveException("layer " + digest + " is missing from the archive");
      }
      String diffId = diffIds.get(i).asText("");
      try (LayerStreams.Measured raw = new LayerStreams.Measured(Files.newInputStream(f), Math.max(size, Files.size(f)),
              "layer " + digest);
          LayerStreams.Measured tar = new LayerStreams.Measured(LayerStreams.decompressed(raw), store.maxLayerBytes(),
              "decompressed layer " + digest)) {
        tar.transferTo(OutputStream.nullOutputStream());
        raw.transferTo(OutputStream.nullOutputStream());
        if (raw.count() != size || !raw.digest().equals(digest)) {
          throw new InvalidArchiveException("layer " + digest + " does not match: the archive holds " + raw.count()
              + " bytes of " + raw.digest() + ", the manifest says " + size + " bytes of " + digest);
        }
        if (!tar.digest().equals(diffId)) {
          throw new InvalidArchiveException("layer " + digest + " does not match the config's diff id " + diffId);
        }
      } catch (java.util.zip.ZipException e) {
        throw new InvalidArchiveException("layer " + digest + " is not a valid gzip stream: " + e.getMessage(), e);
      }
    }
  }

  private static Path blobPath(Path root, String digest) {
    try {
      return root.resolve("blobs/sha256/" + Digests.hexOf(digest));
    } catch (IllegalArgumentException e) {
      throw new InvalidArchiveException("unsupported or malformed digest \"" + digest + "\" (sha256 only)");
    }
  }

  /** A small blob (manifest, index, config), checked against its descriptor. */
  private static byte[] blob(Path root, String digest, long size, String what) throws IOException {
    Path f = blobPath(root, digest);
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArchiveException(what + " " + digest + " is missing from the archive");
    }
    byte[] bytes = readSmall(f, what + " " + digest);
    if (!Digests.of(bytes).equals(digest) || (size >= 0 && bytes.length != size)) {
      throw new InvalidArchiveException(what + " " + digest + " does not match its digest or size in the archive");
    }
    return bytes;
  }

  private static Path inside(Path root, String name, String field) {
    if (name.isEmpty()) throw new InvalidArchiveException("manifest.json: an image has no " + field);
    Path p = root.resolve(safeName(name));
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArchiveException("manifest.json names " + name + ", which is not a file in the archive");
    }
    return p;
  }

  private static byte[] readSmall(Path f, String what) throws IOException {
    if (Files.size(f) > MAX_JSON_BYTES) {
      throw new InvalidArchiveException(what + " is " + Files.size(f) + " bytes, more than " + MAX_JSON_BYTES);
    }
    return Files.readAllBytes(f);
  }

  private static JsonNode readJson(Path f, String what) throws IOException {
    return parse(readSmall(f, what), what);
  }

  private static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode n = Json.MAPPER.readTree(bytes);
      if (n == null || !(n.isObject() || n.isArray())) throw new InvalidArchiveException(what + " is not JSON");
      return n;
    } catch (IOException e) {
      throw new InvalidArchiveException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String fileDigest(Path f) throws IOException {
    java.security.MessageDigest d = Digests.sha256();
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
    }
    return "sha256:" + Digests.hex(d);
  }

  private static boolean gzipped(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }
}
