package io.jswarm.cli.daemon;

import com.google.protobuf.ByteString;
import io.jswarm.api.RenewCertificateRequest;
import io.jswarm.api.RenewCertificateResponse;
import io.jswarm.pki.NodeKeys;
import io.jswarm.pki.NodeTls;
import io.jswarm.pki.Pem;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps this node's certificate fresh: renews at a random point between 50 % and 80 % of its
 * life (so a swarm's nodes do not all ask at once), after a role change, and when the swarm's
 * signing root changed (CA rotation). Each renewal makes a new key; the old one is forgotten.
 * Nothing restarts: servers and channels read the new material at their next handshake.
 */
final class CertRenewer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CertRenewer.class.getName());
  private static final Duration RETRY = Duration.ofSeconds(10);
  private final NodeCredentials credentials;
  private final Function<RenewCertificateRequest, RenewCertificateResponse> askManager;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cert-renewer");
    t.setDaemon(true);
    return t;
  });
  private ScheduledFuture<?> next;

  /** @param askManager calls Membership.RenewCertificate on some manager (mutual TLS) */
  CertRenewer(NodeCredentials credentials, Function<RenewCertificateRequest, RenewCertificateResponse> askManager) {
    this.credentials = credentials;
    this.askManager = askManager;
  }

  /** (Re)plans the next renewal from the current certificate. */
  synchronized void schedule() {
    if (!credentials.present()) return;
    Instant at = credentials.tls().renewAt(0.5 + ThreadLocalRandom.current().nextDouble() * 0.3);
    scheduleIn(Duration.between(Instant.now(), at));
  }

  /** Renews as soon as possible, off the caller's thread (role change, new signing root). */
  synchronized void renewSoon() {
    scheduleIn(Duration.ZERO);
  }

  private synchronized void scheduleIn(Duration d) {
    if (timer.isShutdown()) return;
    if (next != null) next.cancel(false);
    next = timer.schedule(this::renewQuietly, Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
  }

  private void renewQuietly() {
    try {
      renewNow();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "certificate renewal failed; retrying in " + RETRY.toSeconds() + " s: " + e.getMessage());
      scheduleIn(RETRY);
    }
  }

  /** Renews now, on this thread. */
  void renewNow() throws Exception {
    if (!credentials.present()) return;
    NodeTls tls = credentials.tls();
    KeyPair keys = NodeKeys.newKeyPair();
    RenewCertificateResponse r = askManager.apply(RenewCertificateRequest.newBuilder()
        .setCsr(ByteString.copyFrom(NodeKeys.csr(keys, tls.self().nodeId()))).build());
    List<X509Certificate> chain = Pem.parseCerts(r.getCertificatePem());
    if (!chain.get(0).getPublicKey().equals(keys.getPublic())) throw new IllegalStateException("renewed certificate is for another key");
    List<X509Certificate> roots = Pem.parseCerts(r.getTrustedRootsPem());
    tls.trustManager(java.util.EnumSet.allOf(io.jswarm.pki.Role.class)).verify(chain.toArray(X509Certificate[]::new));
    tls.update(keys.getPrivate(), chain, roots);
    credentials.saveCurrent();
    LOG.info("renewed this node's certificate: " + tls.self().subject() + ", valid until " + chain.get(0).getNotAfter());
    schedule();
  }

  /**
   * The swarm's roots as the dispatcher sent them (the signing root last). A new root set is
   * trusted at once; a certificate not issued by the signing root is renewed.
   */
  void onTrustedRoots(String pem) {
    if (pem.isEmpty() || !credentials.present()) return;
    try {
      NodeTls tls = credentials.tls();
      List<X509Certificate> roots = Pem.parseCerts(pem);
      if (!roots.equals(tls.roots())) {
        // keep trusting the roots we had until the new set is confirmed by a renewal
        List<X509Certificate> union = new java.util.ArrayList<>(roots);
        for (X509Certificate r : tls.roots()) if (!union.contains(r)) union.add(0, r);
        tls.updateRoots(union);
        credentials.saveCurrent();
      }
      X509Certificate signing = roots.get(roots.size() - 1);
      if (!tls.leaf().getIssuerX500Principal().equals(signing.getSubjectX500Principal()) || !signedBy(tls.leaf(), signing)
          || !roots.equals(tls.roots())) {
        renewSoon();
      }
    } catch (Exception e) {
      LOG.log(Level.WARNING, "could not take the swarm's roots from the dispatcher: " + e.getMessage());
    }
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate root) {
    try {
      leaf.verify(root.getPublicKey());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    timer.shutdownNow();
  }
}
