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
 * <p>Client side ({@link #clientContext()}): a server whose chain leads to the swarm's roots must
 * be a {@value SwarmIdentity#MANAGER} of {@code clusterId}. Its host name is not checked: node
 * certificates name a node id, not an address, and a manager's address may change; the role and
 * cluster in a certificate the swarm's CA signed are the identity. Any other server (a registry
 * outside the swarm) is checked against the JVM's default roots, host name included. The node
 * certificate is presented only to servers that ask for one issued by the swarm's roots.
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
      javax.net.ssl.TrustManagerFactory publicRoots = javax.net.ssl.TrustManagerFactory.getInstance(
          javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      publicRoots.init((java.security.KeyStore) null);
      X509ExtendedTrustManager outside = null;
      for (javax.net.ssl.TrustManager t : publicRoots.getTrustManagers()) {
        if (t instanceof X509ExtendedTrustManager x) {
          outside = x;
        }
      }
      ctx.init(new javax.net.ssl.KeyManager[] {new SwarmOnlyKeys(keyManager, trustManager)},
          new javax.net.ssl.TrustManager[] {new ManagerPeerTrust(trustManager, clusterId, outside)}, null);
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
    private final X509ExtendedTrustManager outside;

    /** @param outside the JVM's default roots for servers outside the swarm, or null to accept none */
    ManagerPeerTrust(X509TrustManager roots, String clusterId, X509ExtendedTrustManager outside) {
      this.roots = roots;
      this.clusterId = clusterId;
      this.outside = outside;
    }

    /** True when the chain leads to the swarm's roots (then it must be a manager's). */
    private boolean swarms(X509Certificate[] chain, String authType, CertificateException[] why) {
      try {
        roots.checkServerTrusted(chain, authType);
        return true;
      } catch (CertificateException e) {
        why[0] = e;
        return false;
      }
    }

    private void outside(X509Certificate[] chain, CertificateException notSwarm, OutsideCheck check)
        throws CertificateException {
      if (outside == null) {
        throw notSwarm;
      }
      check.run(outside);
    }

    private interface OutsideCheck {
      void run(X509ExtendedTrustManager tm) throws CertificateException;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      CertificateException[] why = new CertificateException[1];
      if (!swarms(chain, authType, why)) {
        outside(chain, why[0], tm -> tm.checkServerTrusted(chain, authType));
        return;
      }
      manager(chain);
    }

    private void manager(X509Certificate[] chain) throws CertificateException {
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
      CertificateException[] why = new CertificateException[1];
      if (!swarms(chain, authType, why)) {
        // JSSE's own manager checks the host name against the socket's endpoint identification
        outside(chain, why[0], tm -> tm.checkServerTrusted(chain, authType, socket));
        return;
      }
      manager(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      CertificateException[] why = new CertificateException[1];
      if (!swarms(chain, authType, why)) {
        outside(chain, why[0], tm -> tm.checkServerTrusted(chain, authType, engine));
        return;
      }
      manager(chain);
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

  /**
   * Presents the node certificate only to a server that asks for one issued by the swarm's roots,
   * so a registry outside the swarm does not learn the node's id and cluster.
   */
  static final class SwarmOnlyKeys extends javax.net.ssl.X509ExtendedKeyManager {
    private final X509KeyManager keys;
    private final X509TrustManager roots;

    SwarmOnlyKeys(X509KeyManager keys, X509TrustManager roots) {
      this.keys = keys;
      this.roots = roots;
    }

    private boolean asksForSwarm(java.security.Principal[] issuers) {
      if (issuers == null) {
        return false;
      }
      for (X509Certificate root : roots.getAcceptedIssuers()) {
        for (java.security.Principal p : issuers) {
          if (root.getSubjectX500Principal().equals(p)) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
      return asksForSwarm(issuers) ? keys.chooseClientAlias(keyType, issuers, socket) : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, SSLEngine engine) {
      if (!asksForSwarm(issuers)) {
        return null;
      }
      return keys instanceof javax.net.ssl.X509ExtendedKeyManager x ? x.chooseEngineClientAlias(keyType, issuers, engine)
          : keys.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return asksForSwarm(issuers) ? keys.getClientAliases(keyType, issuers) : null;
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public java.security.PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }
}
