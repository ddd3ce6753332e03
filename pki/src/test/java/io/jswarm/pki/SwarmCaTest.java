package io.jswarm.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwarmCaTest {
  private final SwarmCa ca = SwarmCa.create("cluster1");

  private X509Certificate issue(String node, Role role, String cluster, Duration validity) throws CertificateException {
    KeyPair kp = NodeKeys.newKeyPair();
    return ca.issue(NodeKeys.csr(kp, "ignored"), new PeerIdentity(node, role, cluster), List.of("10.0.0.7"), validity);
  }

  @Test
  void issuedCertificateCarriesTheSubjectFromTheCaNotTheCsr() throws Exception {
    KeyPair kp = NodeKeys.newKeyPair();
    X509Certificate c = ca.issue(NodeKeys.csr(kp, "evil-admin"), new PeerIdentity("node1", Role.WORKER, "cluster1"),
        List.of("10.0.0.7"), Duration.ofDays(90));
    PeerIdentity id = PeerIdentity.of(c);
    assertEquals(new PeerIdentity("node1", Role.WORKER, "cluster1"), id);
    assertEquals(kp.getPublic(), c.getPublicKey());
    assertEquals(-1, c.getBasicConstraints(), "a node certificate is no CA");
    assertTrue(c.getKeyUsage()[0], "digitalSignature");
    assertTrue(c.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
    long days = Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()).toDays();
    assertTrue(days >= 90 && days <= 91, "90 days plus the backdating: " + days);
    assertTrue(c.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("10.0.0.7")));
    c.verify(ca.root().getPublicKey());
  }

  @Test
  void csrWithAForgedSignatureIsRefused() {
    byte[] csr = NodeKeys.csr(NodeKeys.newKeyPair(), "x");
    csr[csr.length - 5] ^= 0x55;
    assertThrows(CertificateException.class, () -> ca.issue(csr, new PeerIdentity("n", Role.WORKER, "cluster1"), List.of(), Duration.ofDays(1)));
    assertThrows(CertificateException.class, () -> ca.issue(new byte[] {1, 2, 3}, new PeerIdentity("n", Role.WORKER, "cluster1"), List.of(), Duration.ofDays(1)));
  }

  @Test
  void trustManagerRefusesWrongRootWrongSwarmWrongRoleRemovedAndExpired() throws Exception {
    List<X509Certificate> roots = List.of(ca.root());
    SwarmTrustManager managersOnly = new SwarmTrustManager(() -> roots, () -> "cluster1", Set.of(Role.MANAGER), id -> id.equals("gone"));
    X509Certificate good = issue("m1", Role.MANAGER, "cluster1", Duration.ofDays(1));
    assertEquals("m1", managersOnly.verify(new X509Certificate[] {good}).nodeId());
    // the peer may send the root along
    managersOnly.verify(new X509Certificate[] {good, ca.root()});

    SwarmCa other = SwarmCa.create("cluster1");
    X509Certificate foreign = other.issue(NodeKeys.csr(NodeKeys.newKeyPair(), "m"), new PeerIdentity("m1", Role.MANAGER, "cluster1"), List.of(), Duration.ofDays(1));
    assertThrows(CertificateException.class, () -> managersOnly.verify(new X509Certificate[] {foreign}), "wrong root");
    assertThrows(CertificateException.class, () -> managersOnly.verify(new X509Certificate[] {issue("m2", Role.MANAGER, "cluster2", Duration.ofDays(1))}), "wrong swarm id");
    assertThrows(CertificateException.class, () -> managersOnly.verify(new X509Certificate[] {issue("w1", Role.WORKER, "cluster1", Duration.ofDays(1))}), "wrong role");
    assertThrows(CertificateException.class, () -> managersOnly.verify(new X509Certificate[] {issue("gone", Role.MANAGER, "cluster1", Duration.ofDays(1))}), "removed");
    // issued already expired: the backdating is one hour, so minus two hours ends in the past
    X509Certificate expired = issue("m3", Role.MANAGER, "cluster1", Duration.ofHours(-2).plusMinutes(0));
    assertThrows(CertificateException.class, () -> managersOnly.verify(new X509Certificate[] {expired}), "expired");
    assertThrows(CertificateException.class, () -> managersOnly.verify(new X509Certificate[] {ca.root()}), "a bare root");
    assertThrows(CertificateException.class, () -> managersOnly.verify(new X509Certificate[0]));
  }

  @Test
  void crossSignedRootLetsOldTrustersAcceptNewChains() throws Exception {
    SwarmCa next = SwarmCa.create("cluster1");
    X509Certificate cross = ca.crossSign(next.root());
    X509Certificate leaf = next.issue(NodeKeys.csr(NodeKeys.newKeyPair(), "x"), new PeerIdentity("w", Role.WORKER, "cluster1"), List.of(), Duration.ofDays(1));
    SwarmTrustManager oldOnly = new SwarmTrustManager(() -> List.of(ca.root()), () -> "cluster1", Set.of(Role.WORKER), id -> false);
    assertThrows(CertificateException.class, () -> oldOnly.verify(new X509Certificate[] {leaf}));
    assertEquals("w", oldOnly.verify(new X509Certificate[] {leaf, cross}).nodeId());
    SwarmTrustManager both = new SwarmTrustManager(() -> List.of(ca.root(), next.root()), () -> "cluster1", Set.of(Role.WORKER), id -> false);
    both.verify(new X509Certificate[] {leaf});
    // after the rotation only the new root is trusted; a chain still carrying the cross-signed root passes on its leaf
    SwarmTrustManager newOnly = new SwarmTrustManager(() -> List.of(next.root()), () -> "cluster1", Set.of(Role.WORKER), id -> false);
    assertEquals("w", newOnly.verify(new X509Certificate[] {leaf, cross}).nodeId());
    // but a leaf of the old root is refused
    X509Certificate oldLeaf = issue("o", Role.WORKER, "cluster1", Duration.ofDays(1));
    assertThrows(CertificateException.class, () -> newOnly.verify(new X509Certificate[] {oldLeaf}));
  }

  @Test
  void digestIsFiftyBase36CharsAndDiffersPerRoot() {
    String d = ca.digest();
    assertEquals(50, d.length());
    assertTrue(d.matches("[0-9a-z]{50}"));
    assertEquals(d, CaDigest.of(ca.root()));
    assertNotEquals(d, SwarmCa.create("cluster1").digest());
  }

  @Test
  void importedRootMustMatchItsKey() throws Exception {
    SwarmCa.of(ca.root(), ca.key());
    assertThrows(CertificateException.class, () -> SwarmCa.of(ca.root(), SwarmCa.create("x").key()));
    assertThrows(CertificateException.class, () -> SwarmCa.of(issue("n", Role.WORKER, "cluster1", Duration.ofDays(1)), ca.key()));
  }

  @Test
  void keyWrapRoundTripsAndRefusesTamperingAndWrongKeys() throws Exception {
    byte[] k = KeyWrap.newKey();
    byte[] sealed = KeyWrap.seal(k, "secret".getBytes(), "cluster1".getBytes());
    assertArrayEquals("secret".getBytes(), KeyWrap.open(k, sealed, "cluster1".getBytes()));
    assertThrows(java.security.GeneralSecurityException.class, () -> KeyWrap.open(KeyWrap.newKey(), sealed, "cluster1".getBytes()));
    assertThrows(java.security.GeneralSecurityException.class, () -> KeyWrap.open(k, sealed, "cluster2".getBytes()));
    sealed[20] ^= 1;
    assertThrows(java.security.GeneralSecurityException.class, () -> KeyWrap.open(k, sealed, "cluster1".getBytes()));
  }

  @Test
  void savedMaterialReloadsAndTheKeyIsPrivate(@TempDir Path dir) throws Exception {
    KeyPair kp = NodeKeys.newKeyPair();
    X509Certificate c = ca.issueFor(kp.getPublic(), new PeerIdentity("n1", Role.MANAGER, "cluster1"), List.of(), Duration.ofDays(1));
    NodeTls tls = NodeTls.of(kp.getPrivate(), List.of(c), List.of(ca.root()));
    tls.save(dir.resolve("certificates"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("certificates/node.key"))));
    NodeTls back = NodeTls.load(dir.resolve("certificates")).orElseThrow();
    assertEquals(tls.self(), back.self());
    assertEquals(kp.getPrivate(), back.key());
    assertEquals(List.of(ca.root()), back.roots());
    assertFalse(NodeTls.load(dir.resolve("nothing")).isPresent());
    assertTrue(back.renewAt(0.5).isAfter(c.getNotBefore().toInstant()));
    assertTrue(back.renewAt(0.8).isBefore(c.getNotAfter().toInstant()));
  }
}
