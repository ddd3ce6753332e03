package io.jswarm.registry.store;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * One blob upload in progress: a data file under {@code <root>/uploads/<uuid>/} and the running
 * SHA-256 of what it holds, so finishing never re-reads the file. Bytes arrive in chunks (one HTTP
 * request each); a chunk that does not complete (connection lost, wrong length) is rolled back to the
 * last checkpoint — file truncated, digest state restored — so the upload stays resumable.
 * At most one request works on a session at a time.
 */
public final class UploadSession {
  private final String uuid;
  private final RepoName repo;
  private final Path dir;
  private final FileChannel channel;
  private MessageDigest digest;
  private long offset;
  private volatile long lastUsedNanos = System.nanoTime();
  private boolean busy;
  private boolean closed;
  private MessageDigest checkpointDigest;
  private long checkpointOffset;
  private long chunk;
  /** Runs background flushes; null to flush only at the end. */
  private final java.util.concurrent.Executor flusher;
  private final java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();
  private long unflushed;
  /**
   * Written bytes after which a background {@code force} starts, so that the disk writes back while
   * the upload still streams in and the final fsync only has the tail left to flush.
   */
  static final long FLUSH_EVERY = 32L << 20;

  UploadSession(String uuid, RepoName repo, Path dir, FileChannel channel, MessageDigest digest, long offset,
      java.util.concurrent.Executor flusher) {
    this.flusher = flusher;
    this.uuid = uuid;
    this.repo = repo;
    this.dir = dir;
    this.channel = channel;
    this.digest = digest;
    this.offset = offset;
  }

  public String uuid() {
    return uuid;
  }

  public RepoName repo() {
    return repo;
  }

  Path dir() {
    return dir;
  }

  Path data() {
    return dir.resolve(UploadStore.DATA);
  }

  public synchronized long offset() {
    return offset;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  synchronized boolean isBusy() {
    return busy;
  }

  /**
   * Starts a chunk at the current offset; refuses when another request is working on this upload.
   * Returns the chunk's token for {@link #abortChunk(long)}.
   */
  public synchronized long beginChunk() {
    if (closed) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + uuid + " was finished, cancelled or purged");
    }
    if (busy) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416,
          "another request is writing to upload " + uuid, null);
    }
    busy = true;
    checkpointOffset = offset;
    try {
      checkpointDigest = (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 state must be cloneable", e);
    }
    lastUsedNanos = System.nanoTime();
    return ++chunk;
  }

  /** Appends bytes of the current chunk (on the event loop: a page-cache write, no fsync). */
  public synchronized void append(ByteBuffer bytes) {
    digest.update(bytes.duplicate());
    try {
      while (bytes.hasRemaining()) {
        int n = channel.write(bytes, offset);
        offset += n;
        unflushed += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (flusher != null && unflushed >= FLUSH_EVERY && flushing.compareAndSet(false, true)) {
      unflushed = 0;
      flusher.execute(() -> {
        try {
          channel.force(false);
        } catch (IOException e) {
          // closed meanwhile (finished or cancelled): nothing left to flush
        } finally {
          flushing.set(false);
        }
      });
    }
  }

  /** Bytes received since {@link #beginChunk()}. */
  public synchronized long chunkLength() {
    return offset - checkpointOffset;
  }

  public synchronized void endChunk() {
    busy = false;
    checkpointDigest = null;
    lastUsedNanos = System.nanoTime();
  }

  /** Undoes chunk {@code token} if it is still in progress; safe to call more than once. */
  public synchronized void abortChunk(long token) {
    if (!busy || closed || token != chunk) {
      return;
    }
    try {
      channel.truncate(checkpointOffset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    offset = checkpointOffset;
    digest = checkpointDigest;
    endChunk();
  }

  /**
   * Ends the upload: computes the digest of everything received and, when it equals
   * {@code expected}, fsyncs the data file and returns it (the caller renames it into place).
   * Must be called inside a chunk (after {@link #beginChunk()}). On mismatch throws DIGEST_INVALID.
   */
  synchronized Path finish(Digest expected) throws IOException {
    Digest actual = Digest.fromBytes(digest.digest());
    closed = true;
    if (!actual.equals(expected)) {
      channel.close();
      throw new RegistryException(ErrorCode.DIGEST_INVALID, 400,
          "content digest " + actual + " does not match " + expected, null);
    }
    channel.force(true);
    channel.close();
    return data();
  }

  synchronized void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
