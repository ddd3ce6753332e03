package io.jswarm.registry;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A swarm CA for tests, as the daemon's will be: an ECDSA P-256 root, and node certificates with
 * subject {@code CN=<node id>, OU=<role>, O=<cluster id>} and SAN IP 127.0.0.1 (so outside clients
 * such as skopeo, which check host names, accept the registry's).
 */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
  final KeyPair rootKey;
  public final X509Certificate root;

  /** A certificate and its key. */
  public record Issued(X509Certificate cert, PrivateKey key, X509Certificate issuer) {
    public X509KeyManager keyManager() {
      return TestCa.keyManager(this);
    }
  }

  public TestCa(String name) {
    try {
      rootKey = ecKey();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, rootKey.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      root = sign(b, rootKey.getPrivate());
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A node (or admin) certificate: {@code CN=nodeId, OU=role, O=clusterId}. */
  public Issued issue(String nodeId, String role, String clusterId) {
    try {
      KeyPair k = ecKey();
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
          new X500Name("CN=" + nodeId + ",OU=" + role + ",O=" + clusterId), k.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      return new Issued(sign(b, rootKey.getPrivate()), k.getPrivate(), root);
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509TrustManager trustManager() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("root", root);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A plain client context trusting this root (host names checked), with a client certificate or none. */
  public SSLContext clientContext(Issued client) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(client == null ? null : new javax.net.ssl.KeyManager[] {client.keyManager()},
          new javax.net.ssl.TrustManager[] {trustManager()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static X509KeyManager keyManager(Issued i) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("node", i.key(), new char[0], new X509Certificate[] {i.cert(), i.issuer()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      return (X509KeyManager) kmf.getKeyManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes PEM: the root as {@code ca.crt}, a client certificate as {@code NAME.cert}/{@code NAME.key} (skopeo's cert-dir). */
  public void writeCertDir(Path dir, Issued client, String name) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("ca.crt"), pem(root));
      if (client != null) {
        Files.writeString(dir.resolve(name + ".cert"), pem(client.cert()));
        Files.writeString(dir.resolve(name + ".key"), pem(client.key()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(key)));
  }

  /**
   * A key manager whose certificate can be swapped while serving, as the daemon's does on renewal:
   * every handshake asks the current one.
   */
  public static final class Swappable extends X509ExtendedKeyManager {
    public final AtomicReference<X509KeyManager> current;

    public Swappable(X509KeyManager first) {
      this.current = new AtomicReference<>(first);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return current.get().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return current.get().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return current.get().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return current.get().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, javax.net.ssl.SSLEngine engine) {
      X509KeyManager k = current.get();
      return k instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine)
          : k.chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, javax.net.ssl.SSLEngine engine) {
      X509KeyManager k = current.get();
      return k instanceof X509ExtendedKeyManager x ? x.chooseEngineClientAlias(keyType, issuers, engine)
          : k.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return current.get().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return current.get().getPrivateKey(alias);
    }
  }
}
