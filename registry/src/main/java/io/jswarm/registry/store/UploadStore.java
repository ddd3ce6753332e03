package io.jswarm.registry.store;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Upload sessions kept on the server: {@code <root>/uploads/<uuid>/{repo,data}}. Sessions live in
 * memory while the server runs; after a restart one is reloaded from disk on first use (re-reading
 * its data to rebuild the digest state). Nothing under {@code uploads/} is ever visible as a blob:
 * only {@link #commit} moves verified data into the {@link BlobStore}. Idle sessions are purged.
 */
public final class UploadStore {
  static final String DATA = "data";
  private static final String REPO = "repo";
  private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final Path uploads;
  private final int maxSessions;
  private final Map<String, UploadSession> sessions = new ConcurrentHashMap<>();
  private final java.util.concurrent.Executor flusher;

  /** @param flusher runs background fsyncs of large uploads (a blocking pool), or null for none */
  public UploadStore(Path root, int maxSessions, java.util.concurrent.Executor flusher) {
    this.uploads = root.resolve("uploads");
    this.maxSessions = maxSessions;
    this.flusher = flusher;
  }

  public UploadSession create(RepoName repo) {
    if (sessions.size() >= maxSessions) {
      throw new RegistryException(ErrorCode.TOO_MANY_REQUESTS, "too many uploads in progress; retry later");
    }
    String uuid = UUID.randomUUID().toString();
    Path dir = uploads.resolve(uuid);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(REPO), repo.value().getBytes(StandardCharsets.UTF_8));
      UploadSession s = new UploadSession(uuid, repo, dir,
          java.nio.channels.FileChannel.open(dir.resolve(DATA), StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE, StandardOpenOption.READ),
          Digest.sha256(), 0, flusher);
      sessions.put(uuid, s);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The session of {@code repo} with this id; BLOB_UPLOAD_UNKNOWN when there is none. */
  public UploadSession get(RepoName repo, String uuid) {
    UploadSession s = uuid == null || !UUID_FORM.matcher(uuid).matches() ? null
        : sessions.computeIfAbsent(uuid, this::reload);
    if (s == null || !s.repo().equals(repo)) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown: " + uuid);
    }
    return s;
  }

  /** Reloads a session left on disk by an earlier run (re-reading its data), or null. */
  private UploadSession reload(String uuid) {
    Path dir = uploads.resolve(uuid);
    byte[] repo = AtomicFiles.readOrNull(dir.resolve(REPO));
    if (repo == null || !Files.isRegularFile(dir.resolve(DATA))) {
      return null;
    }
    try {
      MessageDigest md = Digest.sha256();
      long size = 0;
      try (InputStream in = Files.newInputStream(dir.resolve(DATA))) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
          size += n;
        }
      }
      return new UploadSession(uuid, new RepoName(new String(repo, StandardCharsets.UTF_8)), dir,
          java.nio.channels.FileChannel.open(dir.resolve(DATA), StandardOpenOption.WRITE, StandardOpenOption.READ),
          md, size, flusher);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Verifies the session's content against {@code expected} and moves it into the blob store.
   * On a mismatch the upload is discarded and DIGEST_INVALID thrown: nothing becomes visible.
   * Blocking (fsync): call off the event loop.
   */
  public void commit(UploadSession s, Digest expected, BlobStore blobs) {
    try {
      Path data = s.finish(expected);
      blobs.commit(data, expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      remove(s);
    }
  }

  public void remove(UploadSession s) {
    sessions.remove(s.uuid(), s);
    s.close();
    deleteTree(s.dir());
  }

  public int active() {
    return sessions.size();
  }

  /** Drops sessions idle for longer than {@code maxIdle} and leftover directories as old. */
  public int purge(Duration maxIdle) {
    int purged = 0;
    long now = System.nanoTime();
    for (UploadSession s : sessions.values()) {
      if (!s.isBusy() && now - s.lastUsedNanos() > maxIdle.toNanos()) {
        remove(s);
        purged++;
      }
    }
    if (Files.isDirectory(uploads)) {
      FileTime cutoff = FileTime.fromMillis(System.currentTimeMillis() - maxIdle.toMillis());
      try (Stream<Path> dirs = Files.list(uploads)) {
        for (Path d : (Iterable<Path>) dirs::iterator) {
          String id = d.getFileName().toString();
          if (!sessions.containsKey(id) && lastModified(d).compareTo(cutoff) < 0) {
            deleteTree(d);
            purged++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return purged;
  }

  private static FileTime lastModified(Path dir) throws IOException {
    Path data = dir.resolve(DATA);
    return Files.exists(data) ? Files.getLastModifiedTime(data) : Files.getLastModifiedTime(dir);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
