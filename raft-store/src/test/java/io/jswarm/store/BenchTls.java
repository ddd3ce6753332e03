package io.jswarm.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS for a benchmark group on loopback: one EC P-256 key and self-signed certificate
 * (SAN 127.0.0.1) made with the JDK's keytool, presented by every member and trusted by every
 * member. The same {@link RaftTls} the daemon builds from node certificates (which are EC P-256
 * too), so the handshake and record costs are the real ones; only the chain is shorter.
 */
final class BenchTls {
  private BenchTls() {}

  static RaftTls create(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
    Path ks = dir.resolve("bench.p12");
    char[] pass = "bench-only".toCharArray();
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", new String(pass),
        "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=bench-member", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2"))
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + new String(out));
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, pass);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, pass);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return new RaftTls(kmf.getKeyManagers()[0], tmf.getTrustManagers()[0]);
  }
}
