package io.jswarm.registry.store;

import io.jswarm.registry.core.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Content-addressed blobs at {@code <root>/blobs/sha256/<first two hex>/<hex>}. A blob file only ever
 * appears by an atomic rename of a fully written, fsynced and verified temporary, so its presence
 * means its content matches its name. Manifests are stored here too.
 */
public final class BlobStore {
  private final Path blobs;

  public BlobStore(Path root) {
    this.blobs = root.resolve("blobs").resolve("sha256");
  }

  public Path path(Digest d) {
    return blobs.resolve(d.hex().substring(0, 2)).resolve(d.hex());
  }

  /** The blob's size, or -1 when it is absent. */
  public long size(Digest d) {
    try {
      return Files.size(path(d));
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean exists(Digest d) {
    return Files.isRegularFile(path(d));
  }

  /** Moves a verified, fsynced file into place; if the blob already exists the file is dropped. */
  public void commit(Path verifiedTmp, Digest d) throws IOException {
    Path target = path(d);
    if (Files.isRegularFile(target)) {
      Files.deleteIfExists(verifiedTmp);
      return;
    }
    AtomicFiles.moveIntoPlace(verifiedTmp, target);
  }

  /** Stores small content (a manifest) after checking it against its digest. */
  public void put(byte[] content, Digest d) {
    if (!exists(d)) {
      if (!Digest.of(content).equals(d)) {
        throw new IllegalArgumentException("content does not match " + d);
      }
      AtomicFiles.write(path(d), content);
    }
  }

  public byte[] read(Digest d) {
    return AtomicFiles.readOrNull(path(d));
  }

  public boolean delete(Digest d) {
    return AtomicFiles.delete(path(d));
  }

  /** Visits every stored blob (not temporaries). */
  public void forEach(Consumer<Digest> visitor) {
    if (!Files.isDirectory(blobs)) {
      return;
    }
    try (Stream<Path> files = Files.walk(blobs, 2)) {
      files.filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.length() == 64 && n.matches("[a-f0-9]{64}"))
          .forEach(n -> visitor.accept(new Digest(n)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
