package io.jswarm.cli.commands;

import io.jswarm.registry.RegistryConfig;
import io.jswarm.registry.RegistryServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "registry", description = "Run a standalone OCI registry, or collect its garbage.",
    subcommands = {RegistryCommand.Serve.class, RegistryCommand.Gc.class})
public final class RegistryCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Parses HOST:PORT (the host may be a bracketed IPv6 address). */
  public static RegistryConfig withAddr(RegistryConfig cfg, String addr) {
    int colon = addr.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("the registry address must be HOST:PORT, got " + addr);
    }
    String host = addr.substring(0, colon).replace("[", "").replace("]", "");
    return cfg.withAddress(host, Integer.parseInt(addr.substring(colon + 1)));
  }

  @Command(name = "serve", description = "Serve an OCI Distribution v1.1 registry until stopped.")
  public static final class Serve implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--root", required = true, description = "Directory for blobs and metadata") Path root;
    @Option(names = "--addr", defaultValue = "127.0.0.1:5000", description = "HOST:PORT to listen on (default ${DEFAULT-VALUE})") String addr;
    @Option(names = "--tls-cert", description = "PEM certificate chain (with --tls-key: HTTPS)") Path tlsCert;
    @Option(names = "--tls-key", description = "PEM private key") Path tlsKey;
    @Option(names = "--htpasswd", description = "htpasswd file of bcrypt entries: basic auth") Path htpasswd;
    @Option(names = "--anonymous-pull", description = "With --htpasswd: let clients without credentials pull (not push or delete)") boolean anonymousPull;

    @Override
    public Integer call() throws InterruptedException {
      RegistryConfig cfg = withAddr(RegistryConfig.of(root), addr);
      if (tlsCert != null || tlsKey != null) cfg = cfg.withTls(tlsCert, tlsKey);
      if (htpasswd != null) cfg = cfg.withHtpasswd(htpasswd);
      if (anonymousPull && htpasswd == null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--anonymous-pull only means something with --htpasswd");
      }
      boolean anon = anonymousPull;
      RegistryServer s = RegistryServer.start(cfg, new io.jswarm.registry.store.DiskMetadata(cfg.root()),
          io.jswarm.registry.store.BlobPlacement.LOCAL, io.jswarm.registry.http.RegistryAccess.of(() -> anon, () -> null));
      System.out.println("registry listening on " + cfg.host() + ":" + s.port() + (tlsCert != null ? " (TLS)" : "")
          + ", root " + root);
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        s.close();
        stop.countDown();
      }));
      stop.await();
      return 0;
    }
  }

  @Command(name = "gc", description = {
      "Remove blobs no manifest references.",
      "Without --root: the swarm's registry, through the manager the CLI talks to: unreferenced blobs whose record "
          + "is older than --grace leave the cluster store and every manager's disk; safe while pushes go on "
          + "(blobs of a push in progress are younger than the grace period).",
      "With --root DIR: a standalone registry's directory (jswarm registry serve); with --grace 0s run it while "
          + "that registry is stopped or idle."})
  public static final class Gc extends ClientCommand {
    @Option(names = "--root", description = "A standalone registry's directory") Path root;
    @Option(names = "--grace", description = "Keep blobs stored or changed within this period, e.g. 10m, 0s "
        + "(default: 1h for the swarm's registry, 0s with --root)") String grace;
    @Option(names = "--dry-run", description = "Only report what would be removed (swarm registry)") boolean dryRun;

    @Override
    protected int run() {
      long graceMs;
      try {
        graceMs = io.jswarm.cli.Durations.parseMillis(grace != null ? grace : root != null ? "0s" : "1h");
      } catch (IllegalArgumentException e) {
        throw new io.jswarm.cli.CliException("Error: --grace: " + e.getMessage());
      }
      if (root != null) {
        if (dryRun) throw new io.jswarm.cli.CliException("Error: --dry-run is for the swarm's registry (no --root)");
        System.out.println(RegistryServer.gc(root, java.time.Duration.ofMillis(graceMs)));
        return 0;
      }
      var r = client().controlNoDeadline().registryGc(io.jswarm.api.RegistryGcRequest.newBuilder()
          .setGraceMs(graceMs).setDryRun(dryRun).build());
      out().println(r.getSummary());
      return 0;
    }
  }
}
