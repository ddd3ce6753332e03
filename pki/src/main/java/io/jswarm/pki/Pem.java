package io.jswarm.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM text for certificates and keys: what lands in files and in the Raft store. */
public final class Pem {
  private Pem() {}

  public static String certs(List<X509Certificate> certs) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      for (X509Certificate c : certs) w.writeObject(new PemObject("CERTIFICATE", c.getEncoded()));
    } catch (IOException | CertificateException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
    return out.toString();
  }

  public static String cert(X509Certificate c) {
    return certs(List.of(c));
  }

  /** PKCS#8, unencrypted: the form Netty, skopeo and openssl all read. */
  public static String key(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a private key", e);
    }
    return out.toString();
  }

  public static List<X509Certificate> parseCerts(String pem) throws CertificateException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (!(o instanceof X509CertificateHolder h)) throw new CertificateException("expected a CERTIFICATE block, found " + o.getClass().getSimpleName());
        out.add(conv.getCertificate(h));
      }
    } catch (IOException e) {
      throw new CertificateException("malformed PEM: " + e.getMessage(), e);
    }
    if (out.isEmpty()) throw new CertificateException("no certificate in the PEM text");
    return out;
  }

  public static PrivateKey parseKey(String pem) throws CertificateException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) return conv.getPrivateKey(info);
      if (o instanceof PEMKeyPair pair) return conv.getKeyPair(pair).getPrivate();
      throw new CertificateException("expected a PRIVATE KEY block, found " + (o == null ? "nothing" : o.getClass().getSimpleName()));
    } catch (IOException e) {
      throw new CertificateException("malformed key PEM: " + e.getMessage(), e);
    }
  }
}
