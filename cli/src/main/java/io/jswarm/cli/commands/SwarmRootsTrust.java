package io.jswarm.cli.commands;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for a client in the CLI process: the swarm's roots (public certificates the local
 * daemon reports) or, for any other registry, the JVM's roots. Host names are checked as usual:
 * the managers' registry certificates name their advertise addresses.
 */
final class SwarmRootsTrust {
  private SwarmRootsTrust() {}

  static SSLContext context(String swarmRootsPem) {
    try {
      List<X509TrustManager> tms = new ArrayList<>();
      if (swarmRootsPem != null && !swarmRootsPem.isEmpty()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(swarmRootsPem.getBytes(StandardCharsets.US_ASCII)))) {
          ks.setCertificateEntry("swarm-root-" + i++, c);
        }
        tms.add(first(ks));
      }
      tms.add(first(null));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          throw new CertificateException("not a server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          CertificateException last = null;
          for (X509TrustManager t : tms) {
            try {
              t.checkServerTrusted(chain, authType);
              return;
            } catch (CertificateException e) {
              last = e;
            }
          }
          throw last;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return tms.stream().flatMap(t -> java.util.Arrays.stream(t.getAcceptedIssuers())).toArray(X509Certificate[]::new);
        }
      }}, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager first(KeyStore ks) throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(ks);
    for (TrustManager t : f.getTrustManagers()) if (t instanceof X509TrustManager x) return x;
    throw new IllegalStateException("no X509 trust manager");
  }
}
