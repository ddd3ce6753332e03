package io.jswarm.registry.store;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.RepoName;
import io.jswarm.registry.manifest.ManifestParser;
import io.jswarm.registry.manifest.ParsedManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Mark and sweep: marks every manifest some repository holds and every blob those manifests
 * reference, then deletes the other blobs (and the repository links to them). Blobs younger than
 * {@code grace} are kept, so that a push in progress — blobs uploaded, manifest not yet — survives
 * a collection that runs while the registry serves.
 */
public final class BlobGc {
  private BlobGc() {}

  /** Result of one collection. */
  public record Result(int kept, int deleted, long bytesFreed) {}

  /** Also deletes temporaries older than an hour under {@code root} (left by a crash between write and rename). */
  public static Result collect(java.nio.file.Path root, BlobStore blobs, RegistryMetadata meta, Duration grace) {
    FileTime tmpCutoff = FileTime.fromMillis(System.currentTimeMillis() - Math.max(grace.toMillis(), 3_600_000L));
    AtomicFiles.purgeTemporaries(root.resolve("blobs"), tmpCutoff);
    AtomicFiles.purgeTemporaries(root.resolve("repositories"), tmpCutoff);
    return collect(blobs, meta, grace);
  }

  public static Result collect(BlobStore blobs, RegistryMetadata meta, Duration grace) {
    Set<Digest> marked = new HashSet<>();
    for (RepoName repo : meta.repositories()) {
      for (Digest m : meta.manifests(repo)) {
        marked.add(m);
        byte[] bytes = blobs.read(m);
        if (bytes == null) {
          continue;
        }
        try {
          ParsedManifest pm = ManifestParser.parse(bytes, meta.manifestMediaType(repo, m));
          marked.addAll(pm.blobs());
          marked.addAll(pm.manifests());
        } catch (RuntimeException e) {
          // an unparseable manifest references nothing
        }
      }
    }
    FileTime cutoff = FileTime.fromMillis(System.currentTimeMillis() - grace.toMillis());
    int[] kept = {0};
    int[] deleted = {0};
    long[] freed = {0};
    blobs.forEach(d -> {
      if (marked.contains(d)) {
        kept[0]++;
        return;
      }
      try {
        if (!grace.isZero() && Files.getLastModifiedTime(blobs.path(d)).compareTo(cutoff) > 0) {
          kept[0]++;
          return;
        }
        long size = blobs.size(d);
        if (blobs.delete(d)) {
          deleted[0]++;
          freed[0] += Math.max(0, size);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    for (RepoName repo : meta.repositories()) {
      for (Digest d : linkedBlobs(meta, repo, blobs)) {
        meta.unlinkBlob(repo, d);
      }
    }
    return new Result(kept[0], deleted[0], freed[0]);
  }

  /** Blob links of a repository whose blob is gone. */
  private static Set<Digest> linkedBlobs(RegistryMetadata meta, RepoName repo, BlobStore blobs) {
    Set<Digest> dangling = new HashSet<>();
    for (Digest d : meta.blobLinks(repo)) {
      if (!blobs.exists(d)) {
        dangling.add(d);
      }
    }
    return dangling;
  }
}
