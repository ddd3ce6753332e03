package io.jswarm.manager.ca;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.Cluster;
import io.jswarm.manager.membership.JoinTokens;
import io.jswarm.pki.CaDigest;
import io.jswarm.pki.KeyWrap;
import io.jswarm.pki.NodeKeys;
import io.jswarm.pki.PeerIdentity;
import io.jswarm.pki.Pem;
import io.jswarm.pki.Role;
import io.jswarm.pki.SwarmCa;
import io.jswarm.store.RaftStore;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Issues certificates from the root held in the store. The signing key is unsealed with this
 * manager's cluster key on each use and cached per root, so a rotation committed by another
 * manager is picked up by the next issuance here.
 */
public final class CertificateAuthority {
  private final RaftStore store;
  private final Supplier<byte[]> clusterKey;
  private volatile String cachedRootPem;
  private volatile SwarmCa cached;

  public CertificateAuthority(RaftStore store, Supplier<byte[]> clusterKey) {
    this.store = store;
    this.clusterKey = clusterKey;
  }

  /** Puts a new swarm's CA on its Cluster object: root, sealed key, trusted roots, digest and tokens. */
  public static Cluster.Builder install(Cluster.Builder c, SwarmCa ca, byte[] clusterKey) {
    String root = Pem.cert(ca.root());
    String digest = ca.digest();
    return c.setRootCaPem(root).setTrustedRootsPem(root).clearCrossSignedRootPem()
        .setRootCaKeySealed(ByteString.copyFrom(seal(ca, clusterKey, c.getId())))
        .setCaDigest(digest)
        .setWorkerJoinToken(JoinTokens.newToken(digest)).setManagerJoinToken(JoinTokens.newToken(digest));
  }

  private static byte[] seal(SwarmCa ca, byte[] clusterKey, String clusterId) {
    return KeyWrap.seal(clusterKey, Pem.key(ca.key()).getBytes(StandardCharsets.US_ASCII), clusterId.getBytes(StandardCharsets.UTF_8));
  }

  private Cluster cluster() throws StatusException {
    return store.read(v -> v.cluster()).orElseThrow(() -> Status.UNAVAILABLE.withDescription("the swarm is not initialized yet").asException());
  }

  /** The root that signs, with its key. */
  public SwarmCa signer() throws StatusException {
    Cluster c = cluster();
    if (c.getRootCaPem().isEmpty()) {
      throw Status.FAILED_PRECONDITION.withDescription("this swarm has no CA (created by a version without one): "
          + "re-create it with \"jswarm swarm init\"").asException();
    }
    SwarmCa ca = cached;
    if (ca != null && c.getRootCaPem().equals(cachedRootPem)) return ca;
    try {
      byte[] pem = KeyWrap.open(clusterKey.get(), c.getRootCaKeySealed().toByteArray(), c.getId().getBytes(StandardCharsets.UTF_8));
      ca = SwarmCa.of(Pem.parseCerts(c.getRootCaPem()).get(0), Pem.parseKey(new String(pem, StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw Status.FAILED_PRECONDITION.withDescription("this manager cannot unseal the swarm's CA key (" + e.getMessage()
          + "): its cluster key is missing or wrong; ask another manager").asException();
    }
    cached = ca;
    cachedRootPem = c.getRootCaPem();
    return ca;
  }

  public String trustedRootsPem() throws StatusException {
    Cluster c = cluster();
    return c.getTrustedRootsPem().isEmpty() ? c.getRootCaPem() : c.getTrustedRootsPem();
  }

  public String rootPem() throws StatusException {
    return cluster().getRootCaPem();
  }

  private Duration validity() throws StatusException {
    long ms = cluster().getSpec().getNodeCertExpiryMs();
    return ms > 0 ? Duration.ofMillis(ms) : SwarmCa.DEFAULT_NODE_VALIDITY;
  }

  /**
   * A certificate for the key in {@code csr}, chained with the cross-signed root during a rotation.
   *
   * @return PEM of the certificate and any intermediate
   */
  public String issue(byte[] csr, String nodeId, Role role, List<String> sans) throws StatusException {
    Cluster c = cluster();
    try {
      X509Certificate cert = signer().issue(csr, new PeerIdentity(nodeId, role, c.getId()), sans, validity());
      return chainPem(c, cert);
    } catch (CertificateException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
    }
  }

  private static String chainPem(Cluster c, X509Certificate leaf) throws CertificateException {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    if (!c.getCrossSignedRootPem().isEmpty()) chain.addAll(Pem.parseCerts(c.getCrossSignedRootPem()));
    return Pem.certs(chain);
  }

  /** An admin client certificate: key made here, returned once. */
  public String[] issueClient(String name) throws StatusException {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")) {
      throw Status.INVALID_ARGUMENT.withDescription("client name must be 1-64 letters, digits, '_', '.', '@' or '-'").asException();
    }
    Cluster c = cluster();
    KeyPair kp = NodeKeys.newKeyPair();
    try {
      X509Certificate cert = signer().issueFor(kp.getPublic(), new PeerIdentity(name, Role.ADMIN, c.getId()), List.of(), validity());
      return new String[] {chainPem(c, cert), Pem.key(kp.getPrivate())};
    } catch (CertificateException e) {
      throw Status.INTERNAL.withDescription(e.getMessage()).asException();
    }
  }

  /**
   * Rotation, step one: the new root (given or made) becomes the signer; both roots are trusted
   * and new chains carry the cross-signed new root, so nodes that have not yet learned the new
   * root still accept them. Tokens change with the digest. Nodes renew when they see the signer
   * change (NodeUpdate); {@link #finishRotation} drops the old root.
   */
  public void rotate(String certPem, String keyPem) throws Exception {
    SwarmCa old = signer();
    SwarmCa next = certPem.isEmpty()
        ? SwarmCa.create(cluster().getId())
        : SwarmCa.of(Pem.parseCerts(certPem).get(0), Pem.parseKey(keyPem));
    X509Certificate cross = old.crossSign(next.root());
    byte[] key = clusterKey.get();
    store.update(tx -> {
      Cluster c = tx.cluster().orElseThrow();
      String digest = next.digest();
      tx.update(c.toBuilder().setRootCaPem(Pem.cert(next.root()))
          .setRootCaKeySealed(ByteString.copyFrom(seal(next, key, c.getId())))
          .setTrustedRootsPem(Pem.certs(List.of(old.root(), next.root())))
          .setCrossSignedRootPem(Pem.cert(cross))
          .setCaDigest(CaDigest.of(next.root()))
          .setWorkerJoinToken(JoinTokens.newToken(digest)).setManagerJoinToken(JoinTokens.newToken(digest)).build());
    });
  }

  /**
   * Rotation, last step, once every node that is not Down holds a certificate from the new root:
   * only the new root is trusted and chains stop carrying the cross-signed one. Called after each
   * issuance; a no-op when no rotation is under way or nodes are still to renew.
   *
   * @return true when the rotation is (now) complete
   */
  public boolean finishRotationIfDone() throws Exception {
    boolean[] done = new boolean[1];
    store.update(tx -> {
      Cluster c = tx.cluster().orElseThrow();
      if (c.getCrossSignedRootPem().isEmpty()) {
        done[0] = true;
        return;
      }
      boolean all = tx.nodes().stream().filter(n -> n.getStatus().getState() != io.jswarm.api.NodeStatus.State.DOWN)
          .allMatch(n -> n.getCertificateCaDigest().equals(c.getCaDigest()));
      if (!all) return;
      tx.update(c.toBuilder().setTrustedRootsPem(c.getRootCaPem()).clearCrossSignedRootPem().build());
      done[0] = true;
    });
    return done[0];
  }

  /** Records on the node which root signed its certificate and when it expires (in the same write as the caller's). */
  public static io.jswarm.api.Node.Builder stamp(io.jswarm.api.Node.Builder n, String caDigest, String chainPem) {
    try {
      return n.setCertificateCaDigest(caDigest).setCertificateExpiryMs(Pem.parseCerts(chainPem).get(0).getNotAfter().getTime());
    } catch (CertificateException e) {
      return n;
    }
  }
}
