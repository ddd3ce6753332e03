package io.jswarm.registry.cluster;

import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryHolder;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.store.AtomicFiles;
import io.jswarm.registry.store.BlobPlacement;
import io.jswarm.registry.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shares blobs between the managers' registries. Each blob has a {@link RegistryBlob} record
 * naming the managers whose disks hold it. This manager
 * <ul>
 *   <li>adds itself as a holder of every blob committed here ({@link #stored});
 *   <li>watches blob records and copies every blob it lacks from a holder
 *       ({@code GET /_jswarm/blobs/<digest>} on the holder's registry, verified by size and digest,
 *       fsynced, renamed into place), then adds itself — so every manager ends up with every blob;
 *       over TLS with this manager's certificate when the registries serve the swarm's identity,
 *       else over plain HTTP with the cluster's registry secret;
 *       a periodic rescan retries what failed (a holder down, say);
 *   <li>fetches on demand when asked for a blob the metadata knows but its disk lacks
 *       ({@link #fetch}: pull-through; concurrent requests for one blob share one copy);
 *   <li>holds a manifest PUT until every blob it references is held by min(2, managers) managers
 *       ({@link #awaitDurable}), so an acknowledged push survives the loss of any one manager.
 * </ul>
 */
public final class BlobReplicator implements BlobPlacement, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BlobReplicator.class.getName());

  private final ClusterStore store;
  private final BlobStore blobs;
  private final String selfId;
  private final String selfAddr;
  private final Duration durableTimeout;
  private final HttpClient http;
  /** https with the manager's certificate when the registries serve the swarm's TLS identity, else http. */
  private final String scheme;
  private final ConcurrentHashMap<Digest, CompletableFuture<Boolean>> inflight = new ConcurrentHashMap<>();
  private final ScheduledExecutorService background = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "registry-replicator");
    t.setDaemon(true);
    return t;
  });
  private final Object changed = new Object();
  private volatile AutoCloseable subscription;
  private volatile boolean closed;

  /**
   * @param selfAddr HOST:PORT of this manager's registry, recorded with its holdings
   * @param durableTimeout how long a manifest PUT waits for its blobs to reach enough managers
   */
  public BlobReplicator(ClusterStore store, BlobStore blobs, String selfId, String selfAddr, Duration durableTimeout) {
    this(store, blobs, selfId, selfAddr, durableTimeout, null);
  }

  /**
   * @param tls the managers' client context ({@code SwarmTls.clientContext()}: this manager's
   *     certificate, peers must be managers of the swarm) when the registries serve TLS; null copies
   *     over plain HTTP with the cluster's registry secret
   */
  public BlobReplicator(ClusterStore store, BlobStore blobs, String selfId, String selfAddr, Duration durableTimeout,
      javax.net.ssl.SSLContext tls) {
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
        .version(HttpClient.Version.HTTP_1_1);
    if (tls != null) {
      hb.sslContext(tls);
    }
    this.http = hb.build();
    this.scheme = tls == null ? "http" : "https";
    this.store = store;
    this.blobs = blobs;
    this.selfId = selfId;
    this.selfAddr = selfAddr;
    this.durableTimeout = durableTimeout;
  }

  /** Starts watching blob records and copying what this manager lacks. */
  public BlobReplicator start() {
    subscription = store.onBlobEvents(changedBlobs -> {
      synchronized (changed) {
        changed.notifyAll();
      }
      for (RegistryBlob b : changedBlobs) {
        consider(b);
      }
    }, deleted -> background.execute(() -> dropCollected(deleted)));
    background.scheduleWithFixedDelay(this::rescan, 0, 15, TimeUnit.SECONDS);
    return this;
  }

  /** Records deleted by garbage collection: this manager's copies go too (unless re-registered meanwhile). */
  private void dropCollected(List<String> digests) {
    for (String s : digests) {
      try {
        Digest d = Digest.parse(s);
        if (store.blob(s).isEmpty() && blobs.delete(d)) {
          LOG.info("registry: deleted collected blob " + d);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "dropping collected blob " + s, e);
      }
    }
  }

  private void rescan() {
    try {
      for (RegistryBlob b : store.blobs()) {
        consider(b);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "registry rescan failed; retried", e);
    }
  }

  private boolean holdsHere(RegistryBlob b) {
    return b.getHoldersList().stream().anyMatch(h -> h.getNodeId().equals(selfId));
  }

  /** Queues the work that makes this manager a holder of {@code b}, if it is not one. */
  private void consider(RegistryBlob b) {
    if (closed || b.getDigest().isEmpty()) {
      return;
    }
    Digest d;
    try {
      d = Digest.parse(b.getDigest());
    } catch (RuntimeException e) {
      return;
    }
    boolean local = blobs.exists(d);
    if (local && holdsHere(b)) {
      return;
    }
    if (inflight.containsKey(d)) {
      return;
    }
    background.execute(() -> {
      try {
        if (blobs.exists(d)) {
          stored(d, blobs.size(d));
        } else {
          fetch(d);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "replicating " + d + " failed; retried by the next rescan", e);
      }
    });
  }

  @Override
  public void stored(Digest d, long size) {
    store.updateBlob(d.toString(), cur -> {
      if (cur != null && holdsHere(cur)) {
        return cur;
      }
      RegistryBlob.Builder b = cur == null ? RegistryBlob.newBuilder().setDigest(d.toString()).setSize(size)
          : cur.toBuilder();
      List<RegistryHolder> holders = new ArrayList<>(b.getHoldersList());
      holders.add(RegistryHolder.newBuilder().setNodeId(selfId).setAddr(selfAddr).build());
      holders.sort((x, y) -> x.getNodeId().compareTo(y.getNodeId()));
      return b.clearHolders().addAllHolders(holders).build();
    });
  }

  @Override
  public boolean fetch(Digest d) {
    if (blobs.exists(d)) {
      return true;
    }
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> running = inflight.putIfAbsent(d, mine);
    if (running != null) {
      return running.join();
    }
    boolean ok = false;
    try {
      ok = copyFromHolder(d);
      return ok;
    } finally {
      inflight.remove(d, mine);
      mine.complete(ok);
    }
  }

  private boolean copyFromHolder(Digest d) {
    RegistryBlob rec = store.blob(d.toString()).orElse(null);
    if (rec == null) {
      return false;
    }
    for (RegistryHolder h : rec.getHoldersList()) {
      if (h.getNodeId().equals(selfId) || h.getAddr().isEmpty() || closed) {
        continue;
      }
      try {
        copy(d, rec.getSize(), h.getAddr());
        stored(d, rec.getSize());
        LOG.info("registry: copied " + d + " (" + rec.getSize() + " bytes) from " + h.getAddr());
        return true;
      } catch (IOException | RuntimeException e) {
        LOG.info("registry: copying " + d + " from " + h.getAddr() + " failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return blobs.exists(d);
  }

  /** Streams the blob from a peer into a temporary next to its place, verifies, fsyncs, renames. */
  private void copy(Digest d, long size, String addr) throws IOException, InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(scheme + "://" + addr + "/_jswarm/blobs/" + d))
        .timeout(Duration.ofMinutes(30)).GET();
    String secret = store.registrySecret();
    // with TLS the manager's certificate is the login (its role allows the peer endpoints)
    if (scheme.equals("http") && secret != null && !secret.isEmpty()) {
      rb.header("Authorization", io.jswarm.registry.http.RegistryAccess.nodeAuthorization(secret));
    }
    HttpRequest req = rb.build();
    HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    Path target = blobs.path(d);
    AtomicFiles.ensureDir(target.getParent());
    Path tmp = target.resolveSibling(AtomicFiles.TMP_PREFIX + UUID.randomUUID());
    try (InputStream in = resp.body()) {
      if (resp.statusCode() != 200) {
        throw new IOException("HTTP " + resp.statusCode());
      }
      MessageDigest sha = Digest.sha256();
      long n = 0;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) >= 0; ) {
          n += r;
          if (n > size) {
            throw new IOException("longer than the " + size + " bytes recorded");
          }
          sha.update(buf, 0, r);
          out.write(buf, 0, r);
        }
        out.flush();
        ch.force(true);
      }
      Digest got = Digest.fromBytes(sha.digest());
      if (n != size || !got.equals(d)) {
        throw new IOException("got " + n + " bytes of " + got + ", wanted " + size + " bytes of " + d);
      }
      blobs.commit(tmp, d);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void awaitDurable(Collection<Digest> needed) {
    long deadline = System.nanoTime() + durableTimeout.toNanos();
    while (true) {
      Set<String> managers = store.managers();
      int want = Math.max(1, Math.min(2, managers.size()));
      List<String> short_ = new ArrayList<>();
      for (Digest d : needed) {
        if (store.blob(d.toString()).isEmpty() && blobs.exists(d)) {
          // its record was collected while this push reused the blob: register it again
          stored(d, blobs.size(d));
        }
        long held = store.blob(d.toString()).map(b -> b.getHoldersList().stream()
            .filter(h -> managers.contains(h.getNodeId())).count()).orElse(0L);
        if (held < want) {
          short_.add(d.toString());
        }
      }
      if (short_.isEmpty()) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new RegistryException(ErrorCode.UNAVAILABLE, 503, "not acknowledged: after "
            + durableTimeout.toSeconds() + " s " + short_.size() + " blob(s) are still held by fewer than " + want
            + " managers (are the other managers' registries reachable?): " + short_, short_);
      }
      synchronized (changed) {
        try {
          // woken by every change of blob records; the bound is a safety net, not a poll rhythm
          changed.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 1000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RegistryException(ErrorCode.UNAVAILABLE, 503, "interrupted", null);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    AutoCloseable s = subscription;
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.log(Level.FINE, "closing the blob watch", e);
      }
    }
    background.shutdownNow();
  }
}
