package io.jswarm.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a {@link RegistryServer}. Build with {@link #of(Path)} and the {@code with…} methods;
 * every knob's default sits next to it.
 *
 * @param root directory holding blobs, uploads and (by default) metadata
 * @param host address to bind; default 127.0.0.1
 * @param port port to bind; 0 picks a free one (see {@link RegistryServer#port()})
 * @param tlsCert PEM certificate chain, or null for plain HTTP
 * @param tlsKey PEM private key, or null
 * @param htpasswd htpasswd file of bcrypt entries enabling basic auth, or null for none
 * @param uploadMaxIdle an upload untouched this long is purged; default 1 hour
 * @param purgeInterval how often abandoned uploads are looked for; default 1 minute
 * @param maxUploads concurrent upload sessions before TOO_MANY_REQUESTS; default 1000
 * @param maxManifestBytes largest manifest accepted (413 beyond); default 4 MiB
 * @param maxPageSize largest tags page; default 1000
 */
public record RegistryConfig(
    Path root,
    String host,
    int port,
    Path tlsCert,
    Path tlsKey,
    Path htpasswd,
    Duration uploadMaxIdle,
    Duration purgeInterval,
    int maxUploads,
    int maxManifestBytes,
    int maxPageSize) {

  public RegistryConfig {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(host, "host");
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key");
    }
  }

  public static RegistryConfig of(Path root) {
    return new RegistryConfig(root, "127.0.0.1", 5000, null, null, null, Duration.ofHours(1), Duration.ofMinutes(1),
        1000, 4 << 20, 1000);
  }

  public RegistryConfig withAddress(String host, int port) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize);
  }

  public RegistryConfig withTls(Path cert, Path key) {
    return new RegistryConfig(root, host, port, cert, key, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize);
  }

  public RegistryConfig withHtpasswd(Path file) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, file, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize);
  }

  public RegistryConfig withUploadPurge(Duration maxIdle, Duration interval) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, maxIdle, interval, maxUploads,
        maxManifestBytes, maxPageSize);
  }

  public RegistryConfig withLimits(int maxUploads, int maxManifestBytes, int maxPageSize) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize);
  }
}
