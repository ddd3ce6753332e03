package io.jswarm.pki;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Who holds a swarm certificate: read from the subject of a certificate whose chain was already
 * verified against the swarm's roots. The subject is set by the CA from its own records at
 * issuance (a CSR's subject is ignored), so it can be trusted once the chain is.
 */
public record PeerIdentity(String nodeId, Role role, String clusterId) {

  public static PeerIdentity of(X509Certificate cert) throws CertificateException {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    String cn = one(name, BCStyle.CN);
    String ou = one(name, BCStyle.OU);
    String o = one(name, BCStyle.O);
    if (cn == null || ou == null || o == null) {
      throw new CertificateException("not a swarm certificate (subject needs CN, OU and O): " + cert.getSubjectX500Principal());
    }
    Role role = Role.ofOu(ou).orElseThrow(() -> new CertificateException("unknown role OU=" + ou + " in " + cert.getSubjectX500Principal()));
    return new PeerIdentity(cn, role, o);
  }

  private static String one(X500Name name, ASN1ObjectIdentifier oid) {
    RDN[] rdns = name.getRDNs(oid);
    return rdns.length == 1 ? IETFUtils.valueToString(rdns[0].getFirst().getValue()) : null;
  }

  public String subject() {
    return "CN=" + nodeId + ",OU=" + role.ou() + ",O=" + clusterId;
  }
}
