package io.jswarm.pki;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts a peer only if its chain ends in one of the swarm's current roots (read per handshake,
 * so a CA rotation applies at once), its certificate names this swarm (O = cluster id), carries a
 * role allowed on this connection, and its node was not removed. Host names are not checked: a
 * node is identified by the node id in its certificate, not by the address it was dialled at,
 * and the role check stops a worker's certificate from standing in for a manager's.
 */
public final class SwarmTrustManager extends X509ExtendedTrustManager {
  private final Supplier<List<X509Certificate>> roots;
  private final Supplier<String> clusterId;
  private final Set<Role> roles;
  private final Predicate<String> removed;

  /**
   * @param clusterId the swarm's id, or a supplier of null to accept any O (a joiner that pinned
   *     the root by its digest does not know the id yet)
   * @param removed node ids refused even with a valid certificate ({@code node rm})
   */
  public SwarmTrustManager(Supplier<List<X509Certificate>> roots, Supplier<String> clusterId, Set<Role> roles,
      Predicate<String> removed) {
    this.roots = roots;
    this.clusterId = clusterId;
    this.roles = Set.copyOf(roles);
    this.removed = removed;
  }

  /** Verifies {@code chain} and returns who it belongs to. */
  public PeerIdentity verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) throw new CertificateException("no certificate presented");
    List<X509Certificate> anchors = roots.get();
    Set<TrustAnchor> ta = new HashSet<>();
    for (X509Certificate r : anchors) ta.add(new TrustAnchor(r, null));
    if (ta.isEmpty()) throw new CertificateException("this node holds no swarm root certificate");
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      // a peer may send its root too: PKIX wants the path without the anchor
      List<X509Certificate> path = Arrays.stream(chain).filter(c -> !anchors.contains(c)).toList();
      if (path.isEmpty()) throw new CertificateException("a bare root certificate is not a node identity");
      PKIXParameters p = new PKIXParameters(ta);
      p.setRevocationEnabled(false); // removal is the denylist below, checked on every handshake and call
      try {
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), p);
      } catch (GeneralSecurityException e) {
        // after a CA rotation a chain may still carry the cross-signed root, whose issuer is no
        // longer trusted: the leaf alone, signed by the new root, is what counts
        if (path.size() == 1) throw e;
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(path.get(0))), p);
      }
    } catch (CertificateException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new CertificateException("certificate not issued by this swarm's CA (or expired): " + e.getMessage(), e);
    }
    PeerIdentity id = PeerIdentity.of(chain[0]);
    String cluster = clusterId.get();
    if (cluster != null && !cluster.equals(id.clusterId())) {
      throw new CertificateException("certificate of another swarm (" + id.clusterId() + ")");
    }
    if (!roles.contains(id.role())) {
      throw new CertificateException("role " + id.role().ou() + " may not connect here (allowed: " + roles + ")");
    }
    if (removed.test(id.nodeId())) throw new CertificateException("node " + id.nodeId() + " was removed from the swarm");
    return id;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return roots.get().toArray(X509Certificate[]::new);
  }
}
