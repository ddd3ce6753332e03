package io.jswarm.pki;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * This node's TLS identity: its private key, its certificate chain and the swarm roots it trusts,
 * kept in {@code DATA_ROOT/certificates/} (the key with mode 0600). Everything handed out here —
 * key managers, trust managers, Netty contexts — reads the current material per handshake, so
 * renewal and CA rotation take effect without restarting a server or a channel.
 */
public final class NodeTls {
  public static final String KEY_FILE = "node.key";
  public static final String CERT_FILE = "node.crt";
  public static final String ROOTS_FILE = "swarm-root.crt";

  record Material(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> roots, PeerIdentity self) {}

  private volatile Material material;
  private volatile Predicate<String> removed = id -> false;

  private NodeTls(Material m) {
    this.material = m;
  }

  public static NodeTls of(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> roots) throws CertificateException {
    return new NodeTls(material(key, chain, roots));
  }

  private static Material material(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> roots) throws CertificateException {
    if (chain.isEmpty()) throw new CertificateException("empty certificate chain");
    if (roots.isEmpty()) throw new CertificateException("no swarm root");
    return new Material(key, List.copyOf(chain), List.copyOf(roots), PeerIdentity.of(chain.get(0)));
  }

  /** Replaces the key, chain and roots (renewal, role change, CA rotation). */
  public void update(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> roots) throws CertificateException {
    this.material = material(key, chain, roots);
  }

  public void updateRoots(List<X509Certificate> roots) throws CertificateException {
    Material m = material;
    this.material = material(m.key(), m.chain(), roots);
  }

  /** Node ids refused on every handshake from now on (removed nodes). */
  public void setRemoved(Predicate<String> removed) {
    this.removed = removed;
  }

  public boolean isRemoved(String nodeId) {
    return removed.test(nodeId);
  }

  public PeerIdentity self() {
    return material.self();
  }

  public X509Certificate leaf() {
    return material.chain().get(0);
  }

  public List<X509Certificate> chain() {
    return material.chain();
  }

  public PrivateKey key() {
    return material.key();
  }

  public List<X509Certificate> roots() {
    return material.roots();
  }

  /** When this node should renew: at a point between 50 % and 80 % of its certificate's life. */
  public Instant renewAt(double fraction) {
    X509Certificate c = leaf();
    long from = c.getNotBefore().getTime();
    long to = c.getNotAfter().getTime();
    return Instant.ofEpochMilli(from + (long) ((to - from) * fraction));
  }

  public X509ExtendedKeyManager keyManager() {
    return new SwarmKeyManager(() -> material);
  }

  /** Trusts peers of this swarm holding one of {@code roles}. */
  public SwarmTrustManager trustManager(Set<Role> roles) {
    return new SwarmTrustManager(() -> material.roots(), () -> material.self().clusterId(), roles, id -> removed.test(id));
  }

  /**
   * A server context. {@code ClientAuth.OPTIONAL} on the cluster port, where a joiner without a
   * certificate may ask for one (every other call checks the caller, see the authorization
   * interceptor); {@code REQUIRE} where nothing is served to strangers.
   */
  public SslContext serverContext(ClientAuth auth, Set<Role> clientRoles) {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager())
          .trustManager(trustManager(clientRoles)).clientAuth(auth)).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS server context", e);
    }
  }

  /** A client context presenting this node's certificate and accepting servers of {@code serverRoles}. */
  public SslContext clientContext(Set<Role> serverRoles) {
    try {
      return GrpcSslContexts.forClient().keyManager(keyManager()).trustManager(trustManager(serverRoles)).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS client context", e);
    }
  }

  // ------------------------------------------------------------ files

  public static boolean exists(Path dir) {
    return Files.exists(dir.resolve(KEY_FILE)) && Files.exists(dir.resolve(CERT_FILE)) && Files.exists(dir.resolve(ROOTS_FILE));
  }

  public static Optional<NodeTls> load(Path dir) throws IOException, CertificateException {
    if (!exists(dir)) return Optional.empty();
    PrivateKey key = Pem.parseKey(Files.readString(dir.resolve(KEY_FILE)));
    List<X509Certificate> chain = Pem.parseCerts(Files.readString(dir.resolve(CERT_FILE)));
    List<X509Certificate> roots = Pem.parseCerts(Files.readString(dir.resolve(ROOTS_FILE)));
    return Optional.of(of(key, chain, roots));
  }

  /** Writes the material; each file replaced atomically, the key readable by root only. */
  public void save(Path dir) throws IOException {
    Material m = material;
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    write(dir, KEY_FILE, Pem.key(m.key()), true);
    write(dir, CERT_FILE, Pem.certs(m.chain()), false);
    write(dir, ROOTS_FILE, Pem.certs(m.roots()), false);
  }

  static void write(Path dir, String name, String text, boolean secret) throws IOException {
    Path tmp = dir.resolve(name + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public static void deleteFiles(Path dir) throws IOException {
    for (String f : new String[] {KEY_FILE, CERT_FILE, ROOTS_FILE}) Files.deleteIfExists(dir.resolve(f));
  }
}
