package io.jswarm.cli.daemon;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.jswarm.api.GetRootCaRequest;
import io.jswarm.api.GetRootCaResponse;
import io.jswarm.api.JoinRequest;
import io.jswarm.api.JoinResponse;
import io.jswarm.api.MembershipGrpc;
import io.jswarm.manager.membership.JoinTokens;
import io.jswarm.pki.CaDigest;
import io.jswarm.pki.NodeKeys;
import io.jswarm.pki.NodeTls;
import io.jswarm.pki.PeerIdentity;
import io.jswarm.pki.Pem;
import io.jswarm.pki.Role;
import io.jswarm.pki.SwarmTrustManager;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The joining side of Swarm's join protocol: (1) fetch the manager's roots over TLS without
 * checking them, (2) compare the signing root's digest with the one in the token — on a mismatch
 * stop, having sent nothing secret, (3) send the token and a CSR over a connection verified
 * against that root, (4) check that the certificate returned is for our key and chains to it.
 */
final class Joiner {
  record Joined(NodeTls tls, JoinResponse response) {}

  private Joiner() {}

  static Joined join(String remote, String token, JoinRequest.Builder request) throws StatusException {
    var parsed = JoinTokens.parse(token).orElseThrow(() ->
        Status.INVALID_ARGUMENT.withDescription("invalid join token: expected SWMTKN-1-<digest>-<secret>").asException());
    List<X509Certificate> trusted = verifiedRoots(remote, parsed.caDigest());
    KeyPair keys = NodeKeys.newKeyPair();
    byte[] csr = NodeKeys.csr(keys, request.getNodeId());
    SwarmTrustManager pinned = new SwarmTrustManager(() -> trusted, () -> null, EnumSet.of(Role.MANAGER), id -> false);
    ManagedChannel ch;
    try {
      ch = NettyChannelBuilder.forTarget(remote).sslContext(GrpcSslContexts.forClient().trustManager(pinned).build()).build();
    } catch (SSLException e) {
      throw Status.INTERNAL.withDescription("cannot set up TLS: " + e.getMessage()).asException();
    }
    try {
      JoinResponse r = MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
          .join(request.setToken(token).setCsr(ByteString.copyFrom(csr)).build());
      List<X509Certificate> chain = Pem.parseCerts(r.getCertificatePem());
      List<X509Certificate> roots = Pem.parseCerts(r.getTrustedRootsPem());
      if (!chain.get(0).getPublicKey().equals(keys.getPublic())) {
        throw Status.INTERNAL.withDescription("the manager returned a certificate for another key").asException();
      }
      PeerIdentity id = new SwarmTrustManager(() -> trusted, () -> null, EnumSet.allOf(Role.class), x -> false)
          .verify(chain.toArray(X509Certificate[]::new));
      if (!id.nodeId().equals(request.getNodeId())) {
        throw Status.INTERNAL.withDescription("the manager returned a certificate for node " + id.nodeId()).asException();
      }
      return new Joined(NodeTls.of(keys.getPrivate(), chain, roots), r);
    } catch (CertificateException e) {
      throw Status.INTERNAL.withDescription("the manager returned an unusable certificate: " + e.getMessage()).asException();
    } finally {
      ch.shutdownNow();
    }
  }

  /**
   * The roots the manager at {@code remote} trusts, once its signing root matched {@code digest}.
   * This first connection cannot check the server (we hold no root yet); the digest check is what
   * makes it safe, and nothing but the request for the roots is sent over it.
   */
  private static List<X509Certificate> verifiedRoots(String remote, String digest) throws StatusException {
    ManagedChannel ch;
    try {
      ch = NettyChannelBuilder.forTarget(remote)
          .sslContext(GrpcSslContexts.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build()).build();
    } catch (SSLException e) {
      throw Status.INTERNAL.withDescription("cannot set up TLS: " + e.getMessage()).asException();
    }
    try {
      GetRootCaResponse r = MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(15, TimeUnit.SECONDS)
          .getRootCa(GetRootCaRequest.getDefaultInstance());
      X509Certificate signing = Pem.parseCerts(r.getRootCaPem()).get(0);
      String shown = CaDigest.of(signing);
      if (!shown.equals(digest)) {
        throw Status.PERMISSION_DENIED.withDescription("the manager at " + remote + " presented a root CA whose digest ("
            + shown + ") does not match the join token's (" + digest + "): refusing to join; no token was sent. "
            + "Check the address and the token (it may belong to another swarm, or the CA was rotated)").asException();
      }
      List<X509Certificate> trusted = Pem.parseCerts(r.getTrustedRootsPem().isEmpty() ? r.getRootCaPem() : r.getTrustedRootsPem());
      return trusted.contains(signing) ? trusted : java.util.stream.Stream.concat(trusted.stream(), java.util.stream.Stream.of(signing)).toList();
    } catch (CertificateException e) {
      throw Status.PERMISSION_DENIED.withDescription("the manager at " + remote + " sent no usable root CA: " + e.getMessage()).asException();
    } finally {
      ch.shutdownNow();
    }
  }
}
