package io.jswarm.cli.daemon;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.jswarm.pki.KeyWrap;
import io.jswarm.pki.NodeTls;
import io.jswarm.pki.Role;
import io.jswarm.store.RaftTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * This node's credentials in {@code DATA_ROOT/certificates/}: its TLS identity (key, certificate,
 * the swarm's roots) and, on managers, the cluster key that unseals the CA key in the store.
 * Every channel to another node is dialled here, always with mutual TLS.
 */
final class NodeCredentials {
  static final String CLUSTER_KEY_FILE = "cluster.key";
  private static final Set<Role> NODES = EnumSet.of(Role.MANAGER, Role.WORKER);
  private final Path dir;
  private volatile NodeTls tls;
  private volatile byte[] clusterKey;
  private volatile Predicate<String> removed = id -> false;

  private NodeCredentials(Path dir) {
    this.dir = dir;
  }

  static NodeCredentials load(Path dataRoot) throws IOException {
    NodeCredentials c = new NodeCredentials(dataRoot.resolve("certificates"));
    try {
      c.tls = NodeTls.load(c.dir).orElse(null);
    } catch (CertificateException e) {
      throw new IOException("this node's certificates in " + c.dir + " are unreadable (" + e.getMessage()
          + "); leave the swarm (\"jswarm swarm leave --force\") and join again", e);
    }
    if (c.tls != null) c.tls.setRemoved(id -> c.removed.test(id));
    Path k = c.dir.resolve(CLUSTER_KEY_FILE);
    if (Files.exists(k)) c.clusterKey = Files.readAllBytes(k);
    return c;
  }

  Path dir() {
    return dir;
  }

  boolean present() {
    return tls != null;
  }

  NodeTls tls() {
    NodeTls t = tls;
    if (t == null) throw new IllegalStateException("this node has no swarm certificate: it is not part of a swarm");
    return t;
  }

  /** Node ids whose certificates are refused (node rm), asked per handshake. */
  void setRemoved(Predicate<String> removed) {
    this.removed = removed;
  }

  /** Installs a new identity (init, join) and writes it to disk. */
  synchronized void install(NodeTls t) throws IOException {
    t.setRemoved(id -> removed.test(id));
    t.save(dir);
    tls = t;
  }

  /** After renewal or a CA change: the material of the live identity changed, write it. */
  synchronized void saveCurrent() throws IOException {
    tls().save(dir);
  }

  byte[] clusterKey() {
    return clusterKey;
  }

  synchronized void setClusterKey(byte[] key) throws IOException {
    if (key == null || key.length != KeyWrap.KEY_BYTES) throw new IOException("the cluster key must be " + KeyWrap.KEY_BYTES + " bytes");
    Files.createDirectories(dir);
    Path tmp = dir.resolve(CLUSTER_KEY_FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, key);
    Files.move(tmp, dir.resolve(CLUSTER_KEY_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    clusterKey = key.clone();
  }

  /** A demoted manager no longer holds the key that unseals the CA. */
  synchronized void forgetClusterKey() throws IOException {
    clusterKey = null;
    Files.deleteIfExists(dir.resolve(CLUSTER_KEY_FILE));
  }

  /** Forgets everything (leave): the next join makes a new key. */
  synchronized void wipe() throws IOException {
    tls = null;
    clusterKey = null;
    NodeTls.deleteFiles(dir);
    Files.deleteIfExists(dir.resolve(CLUSTER_KEY_FILE));
  }

  /** The registry's view of this node's identity: its certificate, the swarm's roots (any role may connect; the registry maps roles to rights). */
  io.jswarm.registry.SwarmTls registryTls() {
    NodeTls t = tls();
    return new io.jswarm.registry.SwarmTls(t.keyManager(), t.trustManager(java.util.EnumSet.allOf(Role.class)), t.self().clusterId());
  }

  /** Raft between managers: both ends present manager certificates of this swarm. */
  RaftTls raftTls() {
    NodeTls t = tls();
    return new RaftTls(t.keyManager(), t.trustManager(EnumSet.of(Role.MANAGER)));
  }

  /** A channel to a manager's cluster port; the server must hold a manager certificate of this swarm. */
  ManagedChannel dialManager(String addr) {
    return NettyChannelBuilder.forTarget(addr).sslContext(tls().clientContext(EnumSet.of(Role.MANAGER)))
        .maxInboundMessageSize(64 << 20).build();
  }

  /** A channel to any node's cluster port (service logs). */
  ManagedChannel dialNode(String addr) {
    return NettyChannelBuilder.forTarget(addr).sslContext(tls().clientContext(NODES)).maxInboundMessageSize(64 << 20).build();
  }
}
