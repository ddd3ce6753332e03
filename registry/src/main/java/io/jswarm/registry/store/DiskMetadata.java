package io.jswarm.registry.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.core.RepoName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link RegistryMetadata} as small files under {@code <root>/repositories/<name>/}, each written
 * atomically (temp + fsync + rename):
 *
 * <pre>
 *   _layers/sha256/&lt;hex&gt;                      blob link (empty)
 *   _manifests/revisions/sha256/&lt;hex&gt;         line 1: content type, line 2: subject digest or empty
 *   _manifests/tags/&lt;tag&gt;                     digest
 *   _referrers/sha256/&lt;subject hex&gt;/&lt;hex&gt;   descriptor JSON
 * </pre>
 *
 * Names cannot collide with these directories: name components start with [a-z0-9].
 * Writers are serialised on this object; readers are not (each file is replaced atomically).
 */
public final class DiskMetadata implements RegistryMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path repos;

  public DiskMetadata(Path root) {
    this.repos = root.resolve("repositories");
  }

  private Path repo(RepoName r) {
    return repos.resolve(r.value());
  }

  private Path blobLink(RepoName r, Digest d) {
    return repo(r).resolve("_layers").resolve("sha256").resolve(d.hex());
  }

  private Path revision(RepoName r, Digest d) {
    return repo(r).resolve("_manifests").resolve("revisions").resolve("sha256").resolve(d.hex());
  }

  private Path tagsDir(RepoName r) {
    return repo(r).resolve("_manifests").resolve("tags");
  }

  private Path referrersDir(RepoName r, Digest subject) {
    return repo(r).resolve("_referrers").resolve("sha256").resolve(subject.hex());
  }

  @Override
  public boolean repositoryExists(RepoName r) {
    Path p = repo(r);
    return Files.isDirectory(p.resolve("_layers")) || Files.isDirectory(p.resolve("_manifests"));
  }

  @Override
  public List<RepoName> repositories() {
    List<RepoName> out = new ArrayList<>();
    if (!Files.isDirectory(repos)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(repos)) {
      s.filter(p -> p.getFileName().toString().equals("_manifests") || p.getFileName().toString().equals("_layers"))
          .map(p -> repos.relativize(p.getParent()).toString().replace('\\', '/'))
          .distinct()
          .sorted()
          .forEach(n -> out.add(new RepoName(n)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Override
  public boolean hasBlob(RepoName r, Digest d) {
    return Files.exists(blobLink(r, d));
  }

  @Override
  public synchronized void linkBlob(RepoName r, Digest d) {
    if (!hasBlob(r, d)) {
      AtomicFiles.write(blobLink(r, d), new byte[0]);
    }
  }

  @Override
  public synchronized boolean unlinkBlob(RepoName r, Digest d) {
    return AtomicFiles.delete(blobLink(r, d));
  }

  @Override
  public String manifestMediaType(RepoName r, Digest d) {
    byte[] b = AtomicFiles.readOrNull(revision(r, d));
    if (b == null) {
      return null;
    }
    String s = new String(b, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private Digest subjectOf(RepoName r, Digest d) {
    byte[] b = AtomicFiles.readOrNull(revision(r, d));
    if (b == null) {
      return null;
    }
    String s = new String(b, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    String subject = nl < 0 ? "" : s.substring(nl + 1).trim();
    return subject.isEmpty() ? null : Digest.parse(subject);
  }

  @Override
  public synchronized void putManifest(RepoName r, Digest d, String mediaType, Referrer referrer) {
    if (referrer != null) {
      try {
        AtomicFiles.write(referrersDir(r, referrer.subject()).resolve(d.hex()),
            JSON.writeValueAsBytes(referrer.descriptor()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String content = mediaType + "\n" + (referrer == null ? "" : referrer.subject().toString());
    AtomicFiles.write(revision(r, d), content.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized boolean deleteManifest(RepoName r, Digest d) {
    Digest subject = subjectOf(r, d);
    if (manifestMediaType(r, d) == null) {
      return false;
    }
    for (String t : tags(r)) {
      if (d.equals(resolveTag(r, t))) {
        AtomicFiles.delete(tagsDir(r).resolve(t));
      }
    }
    if (subject != null) {
      AtomicFiles.delete(referrersDir(r, subject).resolve(d.hex()));
    }
    return AtomicFiles.delete(revision(r, d));
  }

  @Override
  public List<Digest> manifests(RepoName r) {
    return listHex(revision(r, new Digest("0".repeat(64))).getParent());
  }

  @Override
  public List<Digest> blobLinks(RepoName r) {
    return listHex(blobLink(r, new Digest("0".repeat(64))).getParent());
  }

  @Override
  public Digest resolveTag(RepoName r, String tag) {
    byte[] b = AtomicFiles.readOrNull(tagsDir(r).resolve(tag));
    return b == null ? null : Digest.parse(new String(b, StandardCharsets.UTF_8).trim());
  }

  @Override
  public synchronized void tag(RepoName r, String tag, Digest d) {
    AtomicFiles.write(tagsDir(r).resolve(tag), d.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized boolean untag(RepoName r, String tag) {
    return AtomicFiles.delete(tagsDir(r).resolve(tag));
  }

  @Override
  public List<String> tags(RepoName r) {
    return listNames(tagsDir(r)).stream().sorted().toList();
  }

  @Override
  public List<Descriptor> referrers(RepoName r, Digest subject) {
    List<Descriptor> out = new ArrayList<>();
    Path dir = referrersDir(r, subject);
    for (String n : listNames(dir)) {
      byte[] b = AtomicFiles.readOrNull(dir.resolve(n));
      if (b != null) {
        try {
          out.add(JSON.readValue(b, Descriptor.class));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    out.sort((a, b) -> a.digest().compareTo(b.digest()));
    return out;
  }

  private static List<Digest> listHex(Path dir) {
    return listNames(dir).stream().filter(n -> n.matches("[a-f0-9]{64}")).map(Digest::new).toList();
  }

  private static List<String> listNames(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(AtomicFiles.TMP_PREFIX))
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
