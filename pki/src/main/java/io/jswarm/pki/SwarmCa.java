package io.jswarm.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The swarm's root CA: an ECDSA P-256 key and a self-signed certificate, held by every manager
 * (the key encrypted in the Raft store, see {@link KeyWrap}). It signs node certificates from
 * CSRs, with the subject taken from the manager's own records, never from the request.
 */
public final class SwarmCa {
  public static final Duration ROOT_VALIDITY = Duration.ofDays(20 * 365);
  public static final Duration DEFAULT_NODE_VALIDITY = Duration.ofDays(90);
  /** Certificates are valid from a little before issuance: clocks of nodes differ. */
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate root;
  private final PrivateKey key;

  private SwarmCa(X509Certificate root, PrivateKey key) {
    this.root = root;
    this.key = key;
  }

  /** A new root for swarm {@code clusterId}. */
  public static SwarmCa create(String clusterId) {
    KeyPair kp = NodeKeys.newKeyPair();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "swarm-ca").addRDN(BCStyle.O, clusterId).build();
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(ROOT_VALIDITY)), name, kp.getPublic());
      caExtensions(b, kp.getPublic());
      return new SwarmCa(sign(b, kp.getPrivate()), kp.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the swarm root CA", e);
    }
  }

  /** An existing root and its key ({@code swarm ca --ca-cert --ca-key}); refused unless they match. */
  public static SwarmCa of(X509Certificate root, PrivateKey key) throws CertificateException {
    if (root.getBasicConstraints() < 0) throw new CertificateException("the certificate is not a CA (basicConstraints CA:false)");
    try {
      X509v3CertificateBuilder probe = new JcaX509v3CertificateBuilder(root.getSubjectX500Principal(), BigInteger.ONE,
          new Date(), new Date(), root.getSubjectX500Principal(), root.getPublicKey());
      sign(probe, key).verify(root.getPublicKey());
    } catch (Exception e) {
      throw new CertificateException("the key does not belong to the root certificate", e);
    }
    return new SwarmCa(root, key);
  }

  public X509Certificate root() {
    return root;
  }

  public PrivateKey key() {
    return key;
  }

  public String digest() {
    return CaDigest.of(root);
  }

  /**
   * Signs a node certificate for the key in {@code csrDer}.
   *
   * @param sans IP addresses or DNS names the holder serves under (the registry is dialled by IP)
   * @throws CertificateException if the CSR is malformed or its signature does not prove the key
   */
  public X509Certificate issue(byte[] csrDer, PeerIdentity who, List<String> sans, Duration validity) throws CertificateException {
    PublicKey pub;
    try {
      JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(csrDer));
      pub = csr.getPublicKey();
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pub))) {
        throw new CertificateException("the certificate request's signature does not match its key");
      }
    } catch (CertificateException e) {
      throw e;
    } catch (Exception e) {
      throw new CertificateException("malformed certificate request: " + e.getMessage(), e);
    }
    return issueFor(pub, who, sans, validity);
  }

  /** Signs a certificate for a public key the caller vouches for (the manager's own key at init). */
  public X509Certificate issueFor(PublicKey pub, PeerIdentity who, List<String> sans, Duration validity) throws CertificateException {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, who.clusterId())
        .addRDN(BCStyle.OU, who.role().ou()).addRDN(BCStyle.CN, who.nodeId()).build();
    try {
      Instant now = Instant.now();
      Instant notAfter = now.plus(validity);
      if (notAfter.isAfter(root.getNotAfter().toInstant())) notAfter = root.getNotAfter().toInstant();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(notAfter), new X500Principal(subject.getEncoded()), pub);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, who.role().ou()));
      names.add(new GeneralName(GeneralName.dNSName, who.nodeId()));
      for (String s : sans) {
        if (s == null || s.isEmpty()) continue;
        names.add(isIp(s) ? new GeneralName(GeneralName.iPAddress, s) : new GeneralName(GeneralName.dNSName, s));
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      return sign(b, key);
    } catch (Exception e) {
      throw new CertificateException("cannot issue a certificate for " + who.subject() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The next root's certificate signed by this one (same subject and key as {@code next}): during a
   * rotation nodes that trust only the old root still accept chains that end in the new one.
   */
  public X509Certificate crossSign(X509Certificate next) throws CertificateException {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, serial(), next.getNotBefore(),
          next.getNotAfter().before(root.getNotAfter()) ? next.getNotAfter() : root.getNotAfter(),
          next.getSubjectX500Principal(), next.getPublicKey());
      caExtensions(b, next.getPublicKey());
      return sign(b, key);
    } catch (Exception e) {
      throw new CertificateException("cannot cross-sign the new root", e);
    }
  }

  private static void caExtensions(X509v3CertificateBuilder b, PublicKey pub) throws Exception {
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pub));
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(NodeKeys.SIGNATURE).build(key)));
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static boolean isIp(String s) {
    if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return true;
    if (!s.contains(":")) return false;
    try {
      return InetAddress.getByName(s).getHostAddress() != null;
    } catch (Exception e) {
      return false;
    }
  }
}
