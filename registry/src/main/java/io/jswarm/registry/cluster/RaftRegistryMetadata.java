package io.jswarm.registry.cluster;

import io.jswarm.api.RegistryDescriptor;
import io.jswarm.api.RegistryManifest;
import io.jswarm.api.RegistryRepository;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.RepoName;
import io.jswarm.registry.store.Descriptor;
import io.jswarm.registry.store.RegistryMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * {@link RegistryMetadata} kept in the cluster store: one {@link RegistryRepository} object per
 * repository holding its blob links, manifests (media type, subject, referrer descriptor) and tags.
 * Every write is one replicated read-modify-write of that object, retried on version conflicts
 * by the {@link ClusterStore}. Reads are of this manager's applied state.
 */
public final class RaftRegistryMetadata implements RegistryMetadata {
  private final ClusterStore store;

  public RaftRegistryMetadata(ClusterStore store) {
    this.store = store;
  }

  private Optional<RegistryRepository> repo(RepoName r) {
    return store.repository(r.value());
  }

  /** Applies {@code fn} to the repository, created empty when absent; returns what fn reported. */
  private boolean modify(RepoName r, java.util.function.Function<RegistryRepository.Builder, Boolean> fn) {
    boolean[] result = {false};
    UnaryOperator<RegistryRepository> op = cur -> {
      RegistryRepository.Builder b = cur == null ? RegistryRepository.newBuilder().setName(r.value()) : cur.toBuilder();
      result[0] = fn.apply(b);
      if (!result[0]) {
        return cur;
      }
      return b.build();
    };
    store.updateRepository(r.value(), op);
    return result[0];
  }

  @Override
  public boolean repositoryExists(RepoName r) {
    return repo(r).map(x -> x.getBlobsCount() > 0 || x.getManifestsCount() > 0 || x.getTagsCount() > 0)
        .orElse(false);
  }

  @Override
  public List<RepoName> repositories() {
    return store.repositories().stream().map(x -> new RepoName(x.getName())).toList();
  }

  @Override
  public boolean hasBlob(RepoName r, Digest blob) {
    return repo(r).map(x -> Collections.binarySearch(x.getBlobsList(), blob.toString()) >= 0).orElse(false);
  }

  @Override
  public void linkBlob(RepoName r, Digest blob) {
    if (hasBlob(r, blob)) {
      return;
    }
    modify(r, b -> {
      List<String> blobs = new ArrayList<>(b.getBlobsList());
      int i = Collections.binarySearch(blobs, blob.toString());
      if (i >= 0) {
        return false;
      }
      blobs.add(-i - 1, blob.toString());
      b.clearBlobs().addAllBlobs(blobs);
      return true;
    });
  }

  @Override
  public List<Digest> blobLinks(RepoName r) {
    return repo(r).map(x -> x.getBlobsList().stream().map(Digest::parse).toList()).orElse(List.of());
  }

  @Override
  public boolean unlinkBlob(RepoName r, Digest blob) {
    if (!hasBlob(r, blob)) {
      return false;
    }
    return modify(r, b -> {
      List<String> blobs = new ArrayList<>(b.getBlobsList());
      if (!blobs.remove(blob.toString())) {
        return false;
      }
      b.clearBlobs().addAllBlobs(blobs);
      return true;
    });
  }

  private static Optional<RegistryManifest> manifest(RegistryRepository x, Digest d) {
    String key = d.toString();
    return x.getManifestsList().stream().filter(m -> m.getDigest().equals(key)).findFirst();
  }

  @Override
  public String manifestMediaType(RepoName r, Digest manifest) {
    return repo(r).flatMap(x -> manifest(x, manifest)).map(RegistryManifest::getMediaType).orElse(null);
  }

  @Override
  public void putManifest(RepoName r, Digest manifest, String mediaType, Referrer referrer) {
    putManifest(r, manifest, mediaType, referrer, List.of());
  }

  @Override
  public void putManifest(RepoName r, Digest manifest, String mediaType, Referrer referrer,
      java.util.Collection<Digest> references) {
    RegistryManifest.Builder m = RegistryManifest.newBuilder().setDigest(manifest.toString()).setMediaType(mediaType);
    if (referrer != null) {
      m.setSubject(referrer.subject().toString()).setReferrer(toProto(referrer.descriptor()));
    }
    RegistryManifest entry = m.build();
    UnaryOperator<RegistryRepository> op = cur -> {
      RegistryRepository.Builder b = cur == null ? RegistryRepository.newBuilder().setName(r.value()) : cur.toBuilder();
      TreeMap<String, RegistryManifest> byDigest = new TreeMap<>();
      b.getManifestsList().forEach(x -> byDigest.put(x.getDigest(), x));
      if (entry.equals(byDigest.put(entry.getDigest(), entry))) {
        return cur;
      }
      return b.clearManifests().addAllManifests(byDigest.values()).build();
    };
    // the referenced blob records are touched in the same write, even when the manifest was there
    // already: a collection running now must not take them (see ClusterGc)
    store.updateRepositoryReferencing(r.value(), op,
        references.stream().map(Digest::toString).distinct().sorted().toList());
  }

  @Override
  public boolean deleteManifest(RepoName r, Digest manifest) {
    if (manifestMediaType(r, manifest) == null) {
      return false;
    }
    String key = manifest.toString();
    return modify(r, b -> {
      List<RegistryManifest> kept = b.getManifestsList().stream().filter(x -> !x.getDigest().equals(key)).toList();
      if (kept.size() == b.getManifestsCount()) {
        return false;
      }
      b.clearManifests().addAllManifests(kept);
      Map<String, String> tags = new TreeMap<>(b.getTagsMap());
      tags.values().removeIf(key::equals);
      b.clearTags().putAllTags(tags);
      return true;
    });
  }

  @Override
  public List<Digest> manifests(RepoName r) {
    return repo(r).map(x -> x.getManifestsList().stream().map(m -> Digest.parse(m.getDigest())).toList())
        .orElse(List.of());
  }

  @Override
  public Digest resolveTag(RepoName r, String tag) {
    return repo(r).map(x -> x.getTagsMap().get(tag)).map(Digest::parse).orElse(null);
  }

  @Override
  public void tag(RepoName r, String tag, Digest manifest) {
    String key = manifest.toString();
    modify(r, b -> {
      if (key.equals(b.getTagsMap().get(tag))) {
        return false;
      }
      b.putTags(tag, key);
      return true;
    });
  }

  @Override
  public boolean untag(RepoName r, String tag) {
    if (resolveTag(r, tag) == null) {
      return false;
    }
    return modify(r, b -> {
      if (!b.getTagsMap().containsKey(tag)) {
        return false;
      }
      b.removeTags(tag);
      return true;
    });
  }

  @Override
  public List<String> tags(RepoName r) {
    return repo(r).map(x -> x.getTagsMap().keySet().stream().sorted().toList()).orElse(List.of());
  }

  @Override
  public List<Descriptor> referrers(RepoName r, Digest subject) {
    String key = subject.toString();
    return repo(r).map(x -> x.getManifestsList().stream()
        .filter(m -> m.getSubject().equals(key))
        .map(m -> fromProto(m.getReferrer()))
        .toList()).orElse(List.of());
  }

  private static RegistryDescriptor toProto(Descriptor d) {
    RegistryDescriptor.Builder b = RegistryDescriptor.newBuilder().setMediaType(nz(d.mediaType()))
        .setDigest(nz(d.digest())).setSize(d.size()).setArtifactType(nz(d.artifactType()));
    if (d.annotations() != null) {
      b.putAllAnnotations(d.annotations());
    }
    return b.build();
  }

  private static Descriptor fromProto(RegistryDescriptor d) {
    return new Descriptor(d.getMediaType().isEmpty() ? null : d.getMediaType(), d.getDigest(), d.getSize(),
        d.getArtifactType().isEmpty() ? null : d.getArtifactType(),
        d.getAnnotationsCount() == 0 ? null : new TreeMap<>(d.getAnnotationsMap()));
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
