package io.jswarm.registry;

import io.jswarm.registry.http.BasicAuth;
import io.jswarm.registry.http.RegistryAccess;
import io.jswarm.registry.http.RegistryContext;
import io.jswarm.registry.http.RegistryRouter;
import io.jswarm.registry.store.BlobGc;
import io.jswarm.registry.store.BlobPlacement;
import io.jswarm.registry.store.BlobStore;
import io.jswarm.registry.store.DiskMetadata;
import io.jswarm.registry.store.RegistryMetadata;
import io.jswarm.registry.store.UploadStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.jswarm.registry.auth.TokenService;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The OCI Distribution v1.1 registry server: {@link #start(RegistryConfig)} binds it, {@link #close()}
 * stops it. Blobs live under the root directory; metadata too unless another {@link RegistryMetadata}
 * is given (raft-store, inside a cluster). {@link #gc(Path)} removes blobs no manifest references.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RegistryServer.class.getName());
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final HttpServer server;

  private RegistryServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static RegistryServer start(RegistryConfig cfg) {
    return start(cfg, new DiskMetadata(cfg.root()));
  }

  /** Starts with the given metadata store (the seam for raft-store). */
  public static RegistryServer start(RegistryConfig cfg, RegistryMetadata metadata) {
    return start(cfg, metadata, BlobPlacement.LOCAL);
  }

  /**
   * Starts with the given metadata store and blob placement: the cluster's registry, where blobs
   * are shared between servers (see {@code io.jswarm.registry.cluster}).
   */
  public static RegistryServer start(RegistryConfig cfg, RegistryMetadata metadata, BlobPlacement placement) {
    return start(cfg, metadata, placement, RegistryAccess.NONE);
  }

  /**
   * As {@link #start(RegistryConfig, RegistryMetadata, BlobPlacement)}, and when {@code cfg} asks
   * for logins (htpasswd file, swarm TLS identity), {@code access} says who else gets in (anonymous
   * pulls, the cluster's nodes by their shared secret).
   */
  public static RegistryServer start(RegistryConfig cfg, RegistryMetadata metadata, BlobPlacement placement,
      RegistryAccess access) {
    try {
      Files.createDirectories(cfg.root());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Vertx vertx = Vertx.vertx();
    try {
      UploadStore uploads = new UploadStore(cfg.root(), cfg.maxUploads(),
          task -> vertx.executeBlocking(() -> {
            task.run();
            return null;
          }, false));
      RegistryContext ctx = new RegistryContext(vertx, new BlobStore(cfg.root()), uploads, metadata,
          cfg.maxManifestBytes(), cfg.maxPageSize(), placement);
      BasicAuth auth = cfg.htpasswd() == null ? null : BasicAuth.load(cfg.htpasswd());
      HttpServerOptions options = new HttpServerOptions()
          .setHost(cfg.host())
          .setPort(cfg.port())
          .setHandle100ContinueAutomatically(true)
          .setMaxInitialLineLength(16 * 1024)
          .setTcpNoDelay(true);
      if (cfg.tlsCert() != null) {
        options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(cfg.tlsCert().toString()).setKeyPath(cfg.tlsKey().toString()));
      }
      SwarmTls swarm = cfg.swarmTls();
      if (swarm != null) {
        // the managers are handed to JSSE as they are and asked at every handshake, so a renewed
        // certificate (or rotated roots) behind them serve new connections without a restart;
        // REQUEST, not REQUIRE: people with logins and anonymous pulls connect without a certificate
        options.setSsl(true)
            .setKeyCertOptions(KeyCertOptions.wrap(swarm.keyManager()))
            .setTrustOptions(TrustOptions.wrap(swarm.trustManager()))
            .setClientAuth(ClientAuth.REQUEST);
      }
      TokenService tokens = cfg.tokenKey() == null ? TokenService.withRandomKey(cfg.tokenLifetime())
          : new TokenService(cfg.tokenKey(), cfg.tokenLifetime(), java.time.Clock.systemUTC());
      RegistryRouter router = new RegistryRouter(ctx, auth, access, tokens, swarm == null ? null : swarm.clusterId());
      HttpServer server = await(vertx.createHttpServer(options).requestHandler(router).listen());
      vertx.setPeriodic(cfg.purgeInterval().toMillis(), id -> vertx.executeBlocking(() -> uploads.purge(cfg.uploadMaxIdle()), false)
          .onFailure(t -> LOG.warning("upload purge failed: " + t)));
      return new RegistryServer(vertx, server);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      await(server.close());
    } finally {
      await(vertx.close());
    }
  }

  /** Deletes every blob that no manifest of any repository references; run while no push is in flight. */
  public static BlobGc.Result gc(Path root) {
    return gc(root, Duration.ZERO);
  }

  /** Like {@link #gc(Path)} but keeps blobs younger than {@code grace}, so it may run while serving. */
  public static BlobGc.Result gc(Path root, Duration grace) {
    return BlobGc.collect(root, new BlobStore(root), new DiskMetadata(root), grace);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("registry server: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("registry server did not answer in " + START_TIMEOUT, e);
    }
  }

  /**
   * {@code --root DIR --addr HOST:PORT [--tls-cert PEM --tls-key PEM] [--htpasswd FILE]}, or
   * {@code gc --root DIR}: what {@code jswarm registry serve} will expose.
   */
  public static void main(String[] args) throws InterruptedException {
    RegistryConfig cfg = RegistryConfig.of(Path.of("registry-data"));
    boolean gc = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "gc" -> gc = true;
        case "--root" -> cfg = cfg.withRoot(Path.of(args[++i]));
        case "--addr" -> {
          String addr = args[++i];
          int colon = addr.lastIndexOf(':');
          if (colon < 0) {
            throw new IllegalArgumentException("--addr wants HOST:PORT, got " + addr);
          }
          cfg = cfg.withAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
        }
        case "--tls-cert" -> cfg = cfg.withTls(Path.of(args[++i]), cfg.tlsKey() == null ? Path.of(args[i]) : cfg.tlsKey());
        case "--tls-key" -> cfg = cfg.withTls(cfg.tlsCert(), Path.of(args[++i]));
        case "--htpasswd" -> cfg = cfg.withHtpasswd(Path.of(args[++i]));
        default -> {
          System.err.println("usage: registry [gc] --root DIR [--addr HOST:PORT] [--tls-cert PEM --tls-key PEM]"
              + " [--htpasswd FILE]");
          System.exit(2);
        }
      }
    }
    if (gc) {
      System.out.println(gc(cfg.root()));
      return;
    }
    RegistryServer s = start(cfg);
    System.out.println("registry listening on " + cfg.host() + ":" + s.port() + ", root " + cfg.root());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      s.close();
      stop.countDown();
    }));
    stop.await();
  }
}
