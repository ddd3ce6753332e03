package io.jswarm.registry.cluster;

import io.jswarm.api.RegistryBlob;
import io.jswarm.api.RegistryManifest;
import io.jswarm.api.RegistryRepository;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.manifest.ManifestParser;
import io.jswarm.registry.manifest.ParsedManifest;
import io.jswarm.registry.store.BlobPlacement;
import io.jswarm.registry.store.BlobStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Garbage collection of the cluster registry, run by one manager for all of them. Mark: every
 * manifest a repository of the cluster store holds and every blob and child manifest it
 * references (manifest bytes fetched from another manager when this one lacks them; a manifest
 * no manager can supply stops the collection, since what it references is unknown). Sweep: each
 * blob record that is unmarked and unchanged for {@code grace} is deleted from the store (with a
 * version check, so a record a push touched meanwhile stays), repositories' links to it are
 * dropped, and this manager deletes its copy; every other manager deletes its copy when it sees
 * the record go ({@link BlobReplicator}).
 *
 * <p>Concurrent pushes: blobs uploaded within the grace period are never collected, and the mark
 * is taken again just before the sweep so a manifest pushed during the collection keeps what it
 * references. A manifest that lands between that second mark and the sweep is safe too: its PUT
 * bumps the version of every blob record it references in the same write as the manifest
 * ({@link ClusterStore#updateRepositoryReferencing}), so the sweep's version-checked delete
 * leaves them, or, when the sweep came first, the PUT fails (MANIFEST_BLOB_UNKNOWN) and the
 * client uploads the blob again. A manifest that cannot be parsed stops the collection. A push that reuses an old unreferenced blob the sweep is deleting at that very
 * moment can fail (the client retries and uploads it again); an acknowledged manifest never loses
 * a blob it references, because a manifest PUT re-registers a blob it finds on disk without a
 * record ({@link BlobReplicator#awaitDurable}).
 */
public final class ClusterGc {
  private ClusterGc() {}

  /** What a collection found and did. */
  public record Result(int manifests, int referenced, int collected, long bytesFreed, int young, boolean dryRun) {
    @Override
    public String toString() {
      return (dryRun ? "would delete " : "deleted ") + collected + " unreferenced blob(s), "
          + bytesFreed + " bytes, from every manager; kept " + referenced + " referenced by " + manifests
          + " manifest(s) and " + young + " younger than the grace period";
    }
  }

  public static Result collect(ClusterStore store, BlobStore blobs, BlobPlacement placement, Duration grace,
      boolean dryRun) {
    Set<Digest> marked = new HashSet<>();
    Map<String, Set<String>> seen = new HashMap<>();
    int manifests = mark(store, blobs, placement, marked, seen);
    long cutoff = System.currentTimeMillis() - grace.toMillis();
    List<RegistryBlob> candidates = new ArrayList<>();
    int young = 0;
    for (RegistryBlob b : store.blobs()) {
      Digest d = Digest.parse(b.getDigest());
      if (marked.contains(d)) continue;
      long touched = Math.max(b.getMeta().getCreatedAtMs(), b.getMeta().getUpdatedAtMs());
      if (touched > cutoff) {
        young++;
      } else {
        candidates.add(b);
      }
    }
    // manifests pushed while this ran keep what they reference
    manifests = mark(store, blobs, placement, marked, seen);
    candidates.removeIf(b -> marked.contains(Digest.parse(b.getDigest())));
    int referenced = (int) store.blobs().stream().filter(b -> marked.contains(Digest.parse(b.getDigest()))).count();
    long freed = 0;
    int collected = 0;
    if (dryRun) {
      return new Result(manifests, referenced, candidates.size(),
          candidates.stream().mapToLong(RegistryBlob::getSize).sum(), young, true);
    }
    Set<String> gone = new HashSet<>();
    for (RegistryBlob b : candidates) {
      boolean[] deleted = {false};
      store.updateBlob(b.getDigest(), cur -> {
        deleted[0] = cur != null && cur.getMeta().getVersion() == b.getMeta().getVersion();
        return deleted[0] ? null : cur;
      });
      if (deleted[0]) {
        gone.add(b.getDigest());
        collected++;
        freed += b.getSize();
        blobs.delete(Digest.parse(b.getDigest()));
      }
    }
    for (RegistryRepository r : store.repositories()) {
      if (r.getBlobsList().stream().noneMatch(gone::contains)) continue;
      store.updateRepository(r.getName(), cur -> {
        if (cur == null) return null;
        List<String> kept = cur.getBlobsList().stream().filter(x -> !gone.contains(x)).toList();
        return kept.size() == cur.getBlobsCount() ? cur : cur.toBuilder().clearBlobs().addAllBlobs(kept).build();
      });
    }
    return new Result(manifests, referenced, collected, freed, young, false);
  }

  /** Marks what the repositories' manifests reference; {@code seen}: manifests already parsed, per repository. */
  private static int mark(ClusterStore store, BlobStore blobs, BlobPlacement placement, Set<Digest> marked,
      Map<String, Set<String>> seen) {
    int count = 0;
    for (RegistryRepository r : store.repositories()) {
      Set<String> done = seen.computeIfAbsent(r.getName(), k -> new HashSet<>());
      for (RegistryManifest m : r.getManifestsList()) {
        count++;
        Digest d = Digest.parse(m.getDigest());
        marked.add(d);
        if (!done.add(m.getDigest())) continue;
        byte[] bytes = blobs.read(d);
        if (bytes == null && placement.fetch(d)) bytes = blobs.read(d);
        if (bytes == null) {
          throw new RegistryException(ErrorCode.UNAVAILABLE, 503, "garbage collection stopped: manifest " + d
              + " of " + r.getName() + " is on no reachable manager, so what it references is unknown; nothing was deleted",
              null);
        }
        try {
          ParsedManifest pm = ManifestParser.parse(bytes, m.getMediaType());
          marked.addAll(pm.blobs());
          marked.addAll(pm.manifests());
        } catch (RuntimeException e) {
          // what it references is unknown: deleting anything now could take a blob it needs
          throw new RegistryException(ErrorCode.UNAVAILABLE, 503, "garbage collection stopped: manifest " + d + " of "
              + r.getName() + " cannot be parsed (" + e.getMessage() + "), so what it references is unknown; nothing was deleted",
              null);
        }
      }
    }
    return count;
  }
}
