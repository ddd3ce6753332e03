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
 * @param swarmTls serve TLS with the swarm's identity (in-memory key and trust managers, client
 *     certificates requested and mapped to principals), or null; excludes {@code tlsCert}
 * @param tokenKey HMAC key (32+ bytes) of the Bearer tokens this registry issues, or null for a
 *     random one per start (then tokens are accepted by this process only)
 * @param tokenLifetime how long an issued token is accepted; default 5 minutes
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
    int maxPageSize,
    SwarmTls swarmTls,
    byte[] tokenKey,
    Duration tokenLifetime) {

  public RegistryConfig {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(host, "host");
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key");
    }
    if (swarmTls != null && tlsCert != null) {
      throw new IllegalArgumentException("TLS from PEM files and from the swarm's identity exclude each other");
    }
    if (tokenKey != null && tokenKey.length < 32) {
      throw new IllegalArgumentException("the token key must have at least 256 bits");
    }
    tokenKey = tokenKey == null ? null : tokenKey.clone();
    tokenLifetime = tokenLifetime == null ? Duration.ofMinutes(5) : tokenLifetime;
  }

  /** The configuration before the swarm's identity and tokens (kept for callers that build it whole). */
  public RegistryConfig(Path root, String host, int port, Path tlsCert, Path tlsKey, Path htpasswd,
      Duration uploadMaxIdle, Duration purgeInterval, int maxUploads, int maxManifestBytes, int maxPageSize) {
    this(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads, maxManifestBytes,
        maxPageSize, null, null, null);
  }

  public static RegistryConfig of(Path root) {
    return new RegistryConfig(root, "127.0.0.1", 5000, null, null, null, Duration.ofHours(1), Duration.ofMinutes(1),
        1000, 4 << 20, 1000);
  }

  /** True when requests need a principal: an htpasswd file or the swarm's identity is configured. */
  public boolean loginRequired() {
    return htpasswd != null || swarmTls != null;
  }

  /**
   * Serves TLS with the swarm's identity: see {@link SwarmTls}. Clients without a certificate still
   * connect (htpasswd and token logins, anonymous pull when the cluster allows it).
   */
  public RegistryConfig withSwarmTls(SwarmTls tls) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize, tls, tokenKey, tokenLifetime);
  }

  /** The Bearer tokens' HMAC key (managers sharing one accept each other's tokens) and lifetime. */
  public RegistryConfig withTokens(byte[] key, Duration lifetime) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize, swarmTls, key, lifetime);
  }

  public RegistryConfig withRoot(Path root) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize, swarmTls, tokenKey, tokenLifetime);
  }

  public RegistryConfig withAddress(String host, int port) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize, swarmTls, tokenKey, tokenLifetime);
  }

  public RegistryConfig withTls(Path cert, Path key) {
    return new RegistryConfig(root, host, port, cert, key, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize, swarmTls, tokenKey, tokenLifetime);
  }

  public RegistryConfig withHtpasswd(Path file) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, file, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize, swarmTls, tokenKey, tokenLifetime);
  }

  public RegistryConfig withUploadPurge(Duration maxIdle, Duration interval) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, maxIdle, interval, maxUploads,
        maxManifestBytes, maxPageSize, swarmTls, tokenKey, tokenLifetime);
  }

  public RegistryConfig withLimits(int maxUploads, int maxManifestBytes, int maxPageSize) {
    return new RegistryConfig(root, host, port, tlsCert, tlsKey, htpasswd, uploadMaxIdle, purgeInterval, maxUploads,
        maxManifestBytes, maxPageSize, swarmTls, tokenKey, tokenLifetime);
  }
}
