package io.jswarm.registry;

import io.jswarm.registry.auth.SwarmIdentity;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The swarm's TLS identity as the registry uses it, from plain JSSE objects the daemon owns.
 *
 * <p>Server side ({@link RegistryConfig#withSwarmTls}): the registry presents whatever
 * {@code keyManager} answers at each handshake, so a key manager that switches to a renewed
 * certificate is picked up by new connections without a restart; it requests (does not require) a
 * client certificate and checks one that is sent against {@code trustManager} (the swarm's roots),
 * then maps its subject to a principal ({@link SwarmIdentity}).
 *
 * <p>Client side ({@link #clientContext()}): the same key manager as the client certificate, and
 * the peer must be a {@value SwarmIdentity#MANAGER} of {@code clusterId} with a chain to the
 * swarm's roots. Its host name is not checked: node certificates name a node id, not an address,
 * and a manager's address may change; the role and cluster in a certificate the swarm's CA signed
 * are the identity.
 *
 * @param keyManager this node's certificate and key (may change at run time: renewal)
 * @param trustManager the swarm's roots (may change at run time: CA rotation)
 * @param clusterId O of the swarm's certificates; others are refused
 */
public record SwarmTls(X509KeyManager keyManager, X509TrustManager trustManager, String clusterId) {
  public SwarmTls {
    Objects.requireNonNull(keyManager, "keyManager");
    Objects.requireNonNull(trustManager, "trustManager");
    Objects.requireNonNull(clusterId, "clusterId");
  }

  /**
   * An SSLContext for talking to the swarm's registries: presents this node's certificate and
   * accepts only a manager of this cluster (for {@code DistributionClient} and the managers' blob
   * copies).
   */
  public SSLContext clientContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new javax.net.ssl.KeyManager[] {keyManager},
          new javax.net.ssl.TrustManager[] {new ManagerPeerTrust(trustManager, clusterId)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("building the swarm client TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Trusts a server whose chain leads to the swarm's roots and whose certificate is a manager's of
   * this cluster. Extended so that JSSE does not add its own host-name check (see the class doc).
   */
  static final class ManagerPeerTrust extends X509ExtendedTrustManager {
    private final X509TrustManager roots;
    private final String clusterId;

    ManagerPeerTrust(X509TrustManager roots, String clusterId) {
      this.roots = roots;
      this.clusterId = clusterId;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      roots.checkServerTrusted(chain, authType);
      SwarmIdentity.Subject s;
      try {
        s = SwarmIdentity.subject(chain[0]);
      } catch (RuntimeException e) {
        throw new CertificateException("registry certificate subject is unreadable: " + e.getMessage(), e);
      }
      if (!SwarmIdentity.MANAGER.equals(s.role()) || !clusterId.equals(s.clusterId())) {
        throw new CertificateException("registry certificate " + chain[0].getSubjectX500Principal()
            + " is not a " + SwarmIdentity.MANAGER + " of cluster " + clusterId);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a client context does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return roots.getAcceptedIssuers();
    }
  }
}
