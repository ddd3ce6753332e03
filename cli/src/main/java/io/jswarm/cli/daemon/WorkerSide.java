package io.jswarm.cli.daemon;

import io.grpc.BindableService;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.Platform;
import io.jswarm.api.Resources;
import io.jswarm.cli.Version;
import io.jswarm.manager.ImageResolver;
import io.jswarm.worker.EngineService;
import io.jswarm.worker.agent.Agent;
import io.jswarm.worker.agent.AgentConfig;
import io.jswarm.worker.engine.ContainerState;
import io.jswarm.worker.engine.Image;
import io.jswarm.worker.engine.LocalEngine;
import io.jswarm.api.NodeUpdate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The worker role of the daemon: the local engine, its gRPC service, and the agent once in a swarm. */
final class WorkerSide implements AutoCloseable {
  private final DaemonConfig cfg;
  private final String nodeId;
  private final LocalEngine engine;
  private final EngineService engineService;
  private volatile Agent agent;

  WorkerSide(DaemonConfig cfg, String nodeId) {
    this.cfg = cfg;
    this.nodeId = nodeId;
    this.engine = new LocalEngine(cfg.dataRoot(), cfg.nodeName());
    this.engineService = new EngineService(engine, nodeId, cfg.nodeName());
    engine.setRegistryCredentials(this::clusterLogin);
    engine.setInsecureRegistries(cfg.insecureRegistries());
  }

  BindableService engineService() {
    return engineService;
  }

  /** Containers and volumes of this node (local.proto). */
  BindableService nodeLocalService() {
    return new io.jswarm.worker.NodeLocalService(engine);
  }

  /** Registry references resolve through their registry (to the manifest digest); local names locally. */
  ImageResolver imageResolver() {
    io.jswarm.registry.client.DistributionClient registry = new io.jswarm.registry.client.DistributionClient();
    registry.setCredentialsFor(this::clusterLogin);
    resolverClient = registry;
    registry.setInsecureRegistries(cfg.insecureRegistries());
    if (registryTls != null) registry.setTls(registryTls);
    return ref -> {
      io.jswarm.registry.client.ImageReference r;
      try {
        r = io.jswarm.registry.client.ImageReference.parse(ref);
      } catch (IllegalArgumentException e) {
        r = null;
      }
      if (r == null) return engine.images().resolve(ref).map(Image::id);
      if (!r.remote()) return resolveBare(registry, r, ref);
      try {
        return Optional.of(registry.resolveDigest(r).toString());
      } catch (io.jswarm.registry.client.RegistryClientException e) {
        if (e.status() == 404) return Optional.empty();
        throw io.grpc.Status.UNAVAILABLE.withDescription("cannot resolve " + ref + ": " + e.getMessage()).asRuntimeException();
      }
    };
  }

  /**
   * A bare NAME[:TAG|@DIGEST] is the swarm registry's when it holds it (to the manifest digest,
   * which every node can pull); otherwise, as before the swarm had a registry, this node's own.
   */
  private Optional<String> resolveBare(io.jswarm.registry.client.DistributionClient registry,
      io.jswarm.registry.client.ImageReference r, String ref) {
    String failure = null;
    for (String reg : engine.clusterImages().registries()) {
      var inCluster = new io.jswarm.registry.client.ImageReference(reg, r.repository(), r.tag(), r.digest());
      try {
        return Optional.of(registry.resolveDigest(inCluster).toString());
      } catch (io.jswarm.registry.client.RegistryClientException e) {
        if (e.status() == 404) break; // the managers' registries share metadata: none has it
        failure = reg + ": " + e.getMessage();
      }
    }
    Optional<String> local = engine.images().resolve(ref).map(Image::id);
    if (local.isEmpty() && failure != null) {
      throw io.grpc.Status.UNAVAILABLE.withDescription("cannot resolve " + ref + " in the swarm's registry ("
          + failure + ")").asRuntimeException();
    }
    return local;
  }

  private volatile Supplier<String> registrySecret = () -> "";

  /** The cluster's registry secret as this node knows it (its store when a manager, else its session). */
  void setRegistrySecret(Supplier<String> secret) {
    this.registrySecret = secret;
  }

  /** The node credential, for the swarm's own registries only. */
  private io.jswarm.registry.client.DistributionClient.Credentials clusterLogin(String registry) {
    // with the swarm's TLS identity the node's certificate is its login; the shared secret is not accepted
    if (registryTls != null) return null;
    String secret = registrySecret.get();
    if (secret == null || secret.isEmpty() || !engine.clusterImages().registries().contains(registry)) return null;
    return new io.jswarm.registry.client.DistributionClient.Credentials(
        io.jswarm.registry.http.RegistryAccess.NODE_USER, secret);
  }

  /** This node's own registry (a manager's), or null: set by the daemon. */
  private volatile Supplier<String> localRegistry = () -> null;

  void setLocalRegistry(Supplier<String> localRegistry) {
    this.localRegistry = localRegistry;
  }

  /**
   * A registry on a manager's host is taken for that manager's built-in registry: its mirrors are
   * the same port on the other managers' hosts (they share blobs and metadata), so a worker still
   * pulls a pinned image after the manager it was pushed to died.
   */
  static List<String> clusterMirrors(String registry, List<String> managerAddrs) {
    int c = registry.lastIndexOf(':');
    if (c <= 0) return List.of();
    String host = registry.substring(0, c);
    String port = registry.substring(c + 1);
    List<String> hosts = managerAddrs.stream().map(a -> a.lastIndexOf(':') > 0 ? a.substring(0, a.lastIndexOf(':')) : a)
        .distinct().toList();
    if (!hosts.contains(host)) return List.of();
    return hosts.stream().filter(h -> !h.equals(host)).map(h -> h + ":" + port).toList();
  }

  NodeDescription description() {
    Runtime rt = Runtime.getRuntime();
    long mem = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    return NodeDescription.newBuilder()
        .setHostname(cfg.nodeName())
        .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture(System.getProperty("os.arch")))
        .setResources(Resources.newBuilder().setNanoCpus(rt.availableProcessors() * 1_000_000_000L).setMemoryBytes(mem))
        .setEngineVersion(Version.get())
        .build();
  }

  private volatile io.jswarm.registry.client.DistributionClient resolverClient;
  private volatile javax.net.ssl.SSLContext registryTls;

  /** This node's certificate for the swarm's registries (pulls, pushes, imports, resolving tags). */
  /** Whether this node's certificate lets it store images in the swarm's registry (managers only). */
  void setClusterPush(java.util.function.BooleanSupplier mayPush) {
    engine.setClusterPush(mayPush);
  }

  void setRegistryTls(javax.net.ssl.SSLContext tls) {
    registryTls = tls;
    engine.setRegistryTls(tls);
    var r = resolverClient;
    if (r != null) r.setTls(tls);
  }

  /** @param dialManager opens a mutual-TLS channel to a manager's cluster port */
  synchronized void startAgent(Supplier<List<String>> managerAddrs, Consumer<NodeUpdate> onNodeUpdate,
      java.util.function.Function<String, io.grpc.ManagedChannel> dialManager) {
    if (agent != null) return;
    engine.setRegistryMirrors(registry -> clusterMirrors(registry, managerAddrs.get()));
    engine.setClusterRegistries(new ClusterRegistryAddrs(() -> localRegistry.get(), managerAddrs, cfg.advertiseAddr(), dialManager));
    Agent a = new Agent(new AgentConfig(nodeId, cfg.nodeName(), cfg.advertiseAddr(), managerAddrs, description(),
        onNodeUpdate, networking(), dialManager), engine);
    a.start();
    agent = a;
  }

  /** Leaving the swarm: the node's tasks end with it (their containers are stopped and removed). */
  synchronized void stopAgentAndRemoveContainers() {
    if (agent != null) agent.close();
    agent = null;
    engine.setClusterRegistries(List::of);
    for (var c : engine.list()) {
      try {
        engine.stop(c.id(), 0, "");
      } catch (RuntimeException e) {
        // already stopped
      }
      engine.remove(c.id());
    }
  }

  private io.jswarm.worker.net.TaskNetworks networks;

  /**
   * The node's task networking. Its namespace names start with a tag derived from the node id,
   * written to the data root so that the lab (and an operator) can find what belongs to this node.
   */
  private synchronized io.jswarm.worker.agent.TaskNetworking networking() {
    if (networks != null) return networks;
    NetSettings ns = NetSettings.current;
    String id6 = nodeId.replaceAll("[^a-z0-9]", "");
    id6 = id6.substring(0, Math.min(6, id6.length()));
    String tag = "js" + id6;
    java.nio.file.Path dir = cfg.dataRoot().resolve("net");
    try {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve("tag"), tag + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String bridge = !ns.bridgeEnabled() ? null : ns.bridge().isEmpty() ? "jsbr" + id6 : ns.bridge();
    networks = new io.jswarm.worker.net.TaskNetworks(tag, nodeId, cfg.advertiseHost(), ns.vxlanPort(), bridge,
        ns.bridgeSubnet(), dir);
    return networks;
  }

  boolean agentRunning() {
    return agent != null;
  }

  int runningContainers() {
    return (int) engine.list().stream()
        .filter(c -> engine.state(c.id()).status() == ContainerState.Status.RUNNING).count();
  }

  int imageCount() {
    return engine.images().list().size();
  }

  @Override
  public synchronized void close() {
    if (agent != null) agent.close();
    agent = null;
    if (networks != null) {
      tearDownNetworking();
      networks.close();
    }
    engine.close();
  }

  /**
   * What this run's networking made goes with the daemon, unless containers still run: they keep
   * their bridge, namespaces and rules (conmon keeps them alive; the next start re-adopts them).
   */
  private void tearDownNetworking() {
    // stderr, not the logger: this runs in the shutdown hook, after JUL has reset its handlers
    java.io.PrintStream log = System.err;
    try {
      int running = runningContainers();
      if (running > 0) {
        log.println("jswarm daemon: left the bridge, nft tables and network namespaces in place: " + running
            + " container(s) still run and use them (the next start re-adopts them; swarm leave or removing"
            + " the containers frees them)");
        return;
      }
      List<String> removed = networks.removeAll();
      log.println("jswarm daemon: no container runs: removed " + String.join(", ", removed));
    } catch (RuntimeException e) {
      log.println("jswarm daemon: network clean-up at stop failed: " + e.getMessage());
    }
  }
}
