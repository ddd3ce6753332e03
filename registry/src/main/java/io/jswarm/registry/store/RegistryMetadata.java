package io.jswarm.registry.store;

import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.RepoName;
import java.util.List;

/**
 * Everything the registry knows besides blob bytes: which blobs and manifests each repository holds,
 * its tags and the referrers of each subject. Blob bytes stay in {@link BlobStore}; this interface is
 * the seam where a cluster puts the metadata into raft-store instead of {@link DiskMetadata}.
 *
 * <p>Contract: every write is durable when the method returns; reads see all completed writes.
 * Tags are returned in lexical (code point) order.
 */
public interface RegistryMetadata {

  /** True when the repository holds any blob, manifest or tag. */
  boolean repositoryExists(RepoName repo);

  List<RepoName> repositories();

  boolean hasBlob(RepoName repo, Digest blob);

  void linkBlob(RepoName repo, Digest blob);

  /** The blobs the repository links to. */
  List<Digest> blobLinks(RepoName repo);

  /** Removes the repository's link to a blob; returns whether there was one. */
  boolean unlinkBlob(RepoName repo, Digest blob);

  /** The content type a manifest was pushed with, or null when the repository does not hold it. */
  String manifestMediaType(RepoName repo, Digest manifest);

  /**
   * Records a manifest in the repository. When {@code referrer} is non-null the manifest has a
   * subject and is listed as one of its referrers.
   */
  void putManifest(RepoName repo, Digest manifest, String mediaType, Referrer referrer);

  /**
   * As {@link #putManifest(RepoName, Digest, String, Referrer)}, for a manifest that references
   * {@code references} (its blobs, child manifests and its own bytes): metadata shared with a
   * garbage collector records the manifest and marks those as in use in one atomic write (see
   * ClusterStore#updateRepositoryReferencing), or fails with MANIFEST_BLOB_UNKNOWN when one was
   * collected meanwhile.
   */
  default void putManifest(RepoName repo, Digest manifest, String mediaType, Referrer referrer,
      java.util.Collection<Digest> references) {
    putManifest(repo, manifest, mediaType, referrer);
  }

  /** Removes a manifest, every tag pointing at it and its referrer entry; returns whether it existed. */
  boolean deleteManifest(RepoName repo, Digest manifest);

  List<Digest> manifests(RepoName repo);

  /** The digest a tag points at, or null. */
  Digest resolveTag(RepoName repo, String tag);

  void tag(RepoName repo, String tag, Digest manifest);

  boolean untag(RepoName repo, String tag);

  /** All tags, sorted lexically. */
  List<String> tags(RepoName repo);

  List<Descriptor> referrers(RepoName repo, Digest subject);

  /** A manifest's entry in its subject's referrers list. */
  record Referrer(Digest subject, Descriptor descriptor) {}
}
