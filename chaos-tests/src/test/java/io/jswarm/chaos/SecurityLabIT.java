package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ContainerLogsRequest;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.EngineGrpc;
import io.jswarm.api.GetRootCaRequest;
import io.jswarm.api.Hello;
import io.jswarm.api.JoinRaftRequest;
import io.jswarm.api.LeaveRequest;
import io.jswarm.api.ManagerInfoRequest;
import io.jswarm.api.MembershipGrpc;
import io.jswarm.api.WorkerMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster identity on a lab of 3 managers and 2 workers: what an outsider (this test JVM, on the
 * lab bridge, with no certificate), a worker's certificate and a removed node can do on the cluster
 * port (2377) and the Raft port (2378); the pinned-CA join; CA rotation while a service runs and
 * writes go on; and a capture showing every connection between the hosts starts with TLS.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityLabIT {
  static Lab lab;
  static Process tcpdump;
  static Path capture;

  @BeforeAll
  static void up() throws Exception {
    lab = new Lab(SecurityLabIT.class);
    lab.up(3, 2);
    Lab.await(Duration.ofSeconds(90), () -> lab.jswarm("h1", "node", "ls").out().lines().filter(l -> l.contains("Ready")).count() == 5,
        "5 nodes Ready");
    capture = lab.dir().resolve("cluster-ports.pcap");
    tcpdump = new ProcessBuilder("tcpdump", "-i", lab.env().get("JSWARM_LAB_BRIDGE"), "-U", "-s", "256", "-w", capture.toString(),
        "tcp port 2377 or tcp port 2378").redirectErrorStream(true).redirectOutput(lab.dir().resolve("tcpdump.log").toFile()).start();
    Lab.await(Duration.ofSeconds(10), () -> Files.exists(capture), "tcpdump writes " + capture);
  }

  @AfterAll
  static void down() {
    if (tcpdump != null) tcpdump.destroy();
    if (lab != null) lab.close();
  }

  // ------------------------------------------------------------ helpers

  static String nodeId(String host) {
    try {
      return Files.readString(lab.dir().resolve(host).resolve("data/node-id")).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path certDir(String host) {
    return lab.dir().resolve(host).resolve("data/certificates");
  }

  /** A TLS channel to HOST:port that does not check the server; with {@code as} it presents that host's certificate. */
  static ManagedChannel dial(String host, int port, String as) throws Exception {
    SslContextBuilder b = GrpcSslContexts.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE);
    if (as != null) b.keyManager(certDir(as).resolve("node.crt").toFile(), certDir(as).resolve("node.key").toFile());
    return NettyChannelBuilder.forAddress(lab.ip(host), port).sslContext(b.build()).build();
  }

  static Status.Code code(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus().getCode();
  }

  static Status.Code sessionHello(ManagedChannel ch, String nodeId) throws Exception {
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<WorkerMessage> out = DispatcherGrpc.newStub(ch).session(new StreamObserver<>() {
      @Override public void onNext(DispatcherMessage m) {
        end.complete(Status.OK);
      }

      @Override public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
      }

      @Override public void onCompleted() {
        end.complete(Status.OK);
      }
    });
    out.onNext(WorkerMessage.newBuilder().setHello(Hello.newBuilder().setNodeId(nodeId)).build());
    Status s = end.get(15, TimeUnit.SECONDS);
    out.onCompleted();
    return s.getCode();
  }

  /** True when a TLS client (with {@code as}'s certificate, or none) can open a connection and exchange data. */
  static boolean raftPortAccepts(String host, String as) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    javax.net.ssl.KeyManager[] kms = null;
    if (as != null) {
      var ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      var cf = java.security.cert.CertificateFactory.getInstance("X.509");
      List<java.security.cert.Certificate> chain = new ArrayList<>(cf.generateCertificates(Files.newInputStream(certDir(as).resolve("node.crt"))));
      String pem = Files.readString(certDir(as).resolve("node.key")).replaceAll("-----[A-Z ]+-----|\\s", "");
      var key = java.security.KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
      ks.setKeyEntry("k", key, new char[0], chain.toArray(java.security.cert.Certificate[]::new));
      var kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
      kmf.init(ks, new char[0]);
      kms = kmf.getKeyManagers();
    }
    ctx.init(kms, new TrustManager[] {new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
      @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(lab.ip(host), 2378), 5000);
      s.setSoTimeout(5000);
      s.setEnabledProtocols(new String[] {"TLSv1.2"}); // a refused client certificate fails the handshake itself
      javax.net.ssl.SSLParameters params = s.getSSLParameters();
      params.setApplicationProtocols(new String[] {"h2"}); // gRPC servers refuse a TLS client without ALPN h2
      s.setSSLParameters(params);
      try {
        s.startHandshake();
        // HTTP/2 preface: a server that accepted us answers with its SETTINGS frame
        OutputStream o = s.getOutputStream();
        o.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        o.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
        o.flush();
        InputStream in = s.getInputStream();
        return in.read() >= 0;
      } catch (java.io.IOException e) {
        return false;
      }
    }
  }

  // ------------------------------------------------------------ the tests

  @Test
  @Order(1)
  void anOutsiderWithoutACertificateGetsNothing() throws Exception {
    // plaintext gRPC is not spoken at all
    ManagedChannel plain = NettyChannelBuilder.forAddress(lab.ip("h1"), 2377).usePlaintext().build();
    try {
      assertEquals(Status.Code.UNAVAILABLE, code(() -> MembershipGrpc.newBlockingStub(plain).withDeadlineAfter(5, TimeUnit.SECONDS)
          .getRootCa(GetRootCaRequest.getDefaultInstance())));
    } finally {
      plain.shutdownNow();
    }
    ManagedChannel ch = dial("h1", 2377, null);
    try {
      var m = MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      // the root is public: a joiner needs it to check the token's digest
      assertFalse(m.getRootCa(GetRootCaRequest.getDefaultInstance()).getRootCaPem().isEmpty());
      assertEquals(Status.Code.UNAUTHENTICATED, code(() -> m.leave(LeaveRequest.newBuilder().setNodeId(nodeId("h2")).build())));
      assertEquals(Status.Code.UNAUTHENTICATED, code(() -> m.managerInfo(ManagerInfoRequest.getDefaultInstance())));
      assertEquals(Status.Code.UNAUTHENTICATED, code(() -> m.joinRaft(JoinRaftRequest.newBuilder().setNodeId("x").setRaftAddr("1.2.3.4:1").build())));
      assertEquals(Status.Code.UNAUTHENTICATED, sessionHello(ch, nodeId("h4")));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> m.join(io.jswarm.api.JoinRequest.newBuilder().setToken("SWMTKN-1-nope").setNodeId("x").build())));
      // Control is not on the cluster port at all (the local socket only)
      Status.Code control = code(() -> io.jswarm.api.ControlGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getJoinToken(io.jswarm.api.GetJoinTokenRequest.newBuilder().setRole(io.jswarm.api.NodeSpec.Role.MANAGER).build()));
      assertTrue(Set.of(Status.Code.UNIMPLEMENTED, Status.Code.PERMISSION_DENIED).contains(control), control.toString());
      assertEquals(Status.Code.UNAUTHENTICATED, code(() -> EngineGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .containerLogs(ContainerLogsRequest.newBuilder().setContainerId("x").build()).hasNext()));
    } finally {
      ch.shutdownNow();
    }
    // Raft: no certificate, no connection; a worker's certificate neither; a manager's is accepted
    assertFalse(raftPortAccepts("h1", null), "Raft port accepted a client without a certificate");
    assertFalse(raftPortAccepts("h1", "h4"), "Raft port accepted a worker's certificate");
    assertTrue(raftPortAccepts("h1", "h2"), "Raft port refused a manager's certificate (the check above proves nothing)");
  }

  @Test
  @Order(2)
  void aWorkersCertificateActsOnlyForItself() throws Exception {
    ManagedChannel ch = dial("h1", 2377, "h4");
    try {
      var m = MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertEquals(Status.Code.PERMISSION_DENIED, code(() -> m.leave(LeaveRequest.newBuilder().setNodeId(nodeId("h2")).build())));
      assertEquals(Status.Code.PERMISSION_DENIED, code(() -> m.joinRaft(JoinRaftRequest.newBuilder().setNodeId(nodeId("h4"))
          .setRaftAddr(lab.ip("h4") + ":2378").build())));
      assertEquals(Status.Code.PERMISSION_DENIED, sessionHello(ch, nodeId("h5")), "a Hello naming another node");
      assertEquals(Status.Code.PERMISSION_DENIED, code(() -> EngineGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .containerLogs(ContainerLogsRequest.newBuilder().setContainerId("x").build()).hasNext()));
      Status.Code control = code(() -> io.jswarm.api.ControlGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .removeNode(io.jswarm.api.RemoveNodeRequest.newBuilder().setRef(nodeId("h5")).setForce(true).build()));
      assertTrue(Set.of(Status.Code.UNIMPLEMENTED, Status.Code.PERMISSION_DENIED).contains(control), control.toString());
      // what a worker may do, it can: ask where the registries are
      m.managerInfo(ManagerInfoRequest.getDefaultInstance());
    } finally {
      ch.shutdownNow();
    }
    assertTrue(lab.jswarmOk("h1", "node", "ls").out().contains(lab.nodeName("h2")), "h2 is still a member");
  }

  @Test
  @Order(3)
  void aTokenWhoseCaDigestDoesNotMatchIsNotUsed() {
    String token = lab.jswarmOk("h1", "swarm", "join-token", "-q", "worker").out().trim();
    lab.jswarmOk("h5", "swarm", "leave");
    // same secret, another swarm's digest: the joiner checks the root before sending anything
    String digest = token.split("-")[2];
    String forged = token.replace(digest, new StringBuilder(digest).reverse().toString());
    var r = lab.jswarm("h5", "swarm", "join", "--token", forged, lab.ip("h1") + ":2377");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("does not match the join token") && r.err().contains("no token was sent"), r.all());
    for (String m : lab.managers()) {
      try {
        String log = Files.readString(lab.dir().resolve(m).resolve("daemon.log"));
        assertFalse(log.contains("invalid join token: it belongs to another swarm"), m + " saw the forged token");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    lab.jswarmOk("h5", "swarm", "join", "--token", token, lab.ip("h1") + ":2377");
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .anyMatch(l -> l.contains(lab.nodeName("h5")) && l.contains("Ready")), "h5 back and Ready");
  }

  @Test
  @Order(4)
  void rotationAndRenewalKeepAServiceRunningAndWritesSucceeding() throws Exception {
    lab.jswarmOk("h1", "service", "create", "--name", "sec", "--replicas", "3", "--stop-grace-period", "0s", "busybox", "sleep", "3600");
    String before = lab.jswarmOk("h1", "service", "ps", "-q", "sec").out();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread writer = new Thread(() -> {
      for (int i = 0; i < 200 && !stop.get(); i++) {
        var w = lab.jswarm("h2", "node", "update", "--label-add", "round=" + i, lab.nodeName("h4"));
        if (w.ok()) writes.incrementAndGet();
        else failures.add(w.all());
      }
    }, "writer");
    writer.start();
    String oldRoot = lab.jswarmOk("h1", "swarm", "ca").out();
    var rotated = lab.jswarm(Duration.ofMinutes(3), "h1", "swarm", "ca", "--rotate", "--timeout", "150s");
    stop.set(true);
    writer.join(120_000);
    assertTrue(rotated.ok(), rotated.all());
    assertTrue(rotated.err().contains("5/5 nodes"), rotated.all());
    assertNotEquals(oldRoot, rotated.out());
    assertTrue(failures.isEmpty(), "writes failed during the rotation: " + failures);
    assertTrue(writes.get() > 0, "no write went through during the rotation");
    // every node's certificate now chains to the new root only
    for (String h : lab.hosts()) {
      Lab.await(Duration.ofSeconds(30), () -> {
        try {
          var cf = java.security.cert.CertificateFactory.getInstance("X.509");
          var root = (X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(rotated.out().getBytes(StandardCharsets.US_ASCII)));
          var leaf = (X509Certificate) cf.generateCertificate(Files.newInputStream(certDir(h).resolve("node.crt")));
          leaf.verify(root.getPublicKey());
          return Files.readString(certDir(h).resolve("swarm-root.crt")).split("BEGIN CERTIFICATE", -1).length == 2;
        } catch (Exception e) {
          return false;
        }
      }, h + " holds a certificate of the new root and trusts only it");
    }
    // the same three tasks ran throughout: nothing was restarted by the new certificates
    assertEquals(before, lab.jswarmOk("h1", "service", "ps", "-q", "sec").out());
    Lab.await(Duration.ofSeconds(30), () -> lab.jswarm("h3", "service", "ls").out().contains("3/3"), "3/3 after the rotation");
    // a node joins with the new token (its digest changed with the root)
    assertFalse(lab.jswarmOk("h1", "swarm", "join-token", "-q", "worker").out().contains(oldRootDigest(oldRoot)));
  }

  private static String oldRootDigest(String pem) throws Exception {
    var cf = java.security.cert.CertificateFactory.getInstance("X.509");
    var c = (X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
    String s = new java.math.BigInteger(1, d).toString(36);
    return "0".repeat(Math.max(0, 50 - s.length())) + s;
  }

  @Test
  @Order(5)
  void aRemovedNodesCertificateIsRefusedWithinAHeartbeat() throws Exception {
    ManagedChannel ch = dial("h1", 2377, "h5");
    try {
      var m = MembershipGrpc.newBlockingStub(ch);
      m.withDeadlineAfter(10, TimeUnit.SECONDS).managerInfo(ManagerInfoRequest.getDefaultInstance()); // allowed before
      lab.jswarmOk("h1", "node", "rm", "--force", lab.nodeName("h5"));
      long t0 = System.nanoTime();
      Lab.await(Duration.ofSeconds(1), () -> {
        try {
          m.withDeadlineAfter(1, TimeUnit.SECONDS).managerInfo(ManagerInfoRequest.getDefaultInstance());
          return false;
        } catch (StatusRuntimeException e) {
          return e.getStatus().getCode() == Status.Code.PERMISSION_DENIED && e.getStatus().getDescription().contains("removed");
        }
      }, "h5's certificate refused after node rm");
      System.out.println("[figure] removed node refused after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    } finally {
      ch.shutdownNow();
    }
    // its daemon's session is cut too, and it cannot come back under the same id
    Lab.await(Duration.ofSeconds(10), () -> {
      try {
        return Files.readString(lab.dir().resolve("h5").resolve("daemon.log")).contains("refused this node's session");
      } catch (java.io.IOException e) {
        return false;
      }
    }, "h5's daemon told it was removed");
  }

  @Test
  @Order(6)
  void everyConnectionBetweenHostsStartsWithATlsClientHello() throws Exception {
    // new Raft and cluster connections: restart a manager and a worker
    lab.stop("h3");
    lab.start("h3");
    lab.stop("h4");
    lab.start("h4");
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "node", "ls").out().lines().filter(l -> l.contains("Ready")).count() == 4,
        "4 nodes Ready after the restarts");
    tcpdump.destroy();
    tcpdump.waitFor(10, TimeUnit.SECONDS);
    Map<String, byte[]> first = Pcap.firstClientBytes(capture);
    String outsider = lab.env().get("JSWARM_LAB_SUBNET");
    int checked = 0;
    List<String> plain = new ArrayList<>();
    for (var e : first.entrySet()) {
      if (e.getKey().startsWith("10.213." + outsider + ".1:")) continue; // this test's own probes (plaintext on purpose)
      checked++;
      byte[] b = e.getValue();
      // a TLS record of type handshake (22), version 3.x, carrying a ClientHello (1)
      if (!(b.length >= 6 && b[0] == 0x16 && b[1] == 0x03 && b[5] == 0x01)) plain.add(e.getKey());
    }
    System.out.println("[figure] connections between lab hosts captured on 2377/2378: " + checked + ", not starting with a TLS ClientHello: " + plain.size());
    assertTrue(checked >= 4, "too few connections captured to tell: " + first.keySet());
    assertTrue(plain.isEmpty(), "connections that did not start with a TLS ClientHello: " + plain);
  }
}
