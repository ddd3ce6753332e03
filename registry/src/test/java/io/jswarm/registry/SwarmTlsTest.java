package io.jswarm.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jswarm.registry.auth.SwarmIdentity;
import io.jswarm.registry.core.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry serving the swarm's identity over real TLS on loopback: client certificates map to
 * roles, people log in with htpasswd through the token endpoint, and each request's action is
 * checked against the principal's rights.
 */
@Timeout(60)
class SwarmTlsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLUSTER = "c1";
  @TempDir static Path dir;
  static TestCa ca;
  static TestCa.Swappable serverKeys;
  static RegistryServer server;
  static String base;

  @BeforeAll
  static void start() throws IOException {
    ca = new TestCa("swarm-root");
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, "alice:" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "s3cret".toCharArray())
        + "\n");
    serverKeys = new TestCa.Swappable(ca.issue("m1", SwarmIdentity.MANAGER, CLUSTER).keyManager());
    server = RegistryServer.start(RegistryConfig.of(dir.resolve("data")).withAddress("127.0.0.1", 0)
        .withHtpasswd(htpasswd).withSwarmTls(new SwarmTls(serverKeys, ca.trustManager(), CLUSTER)));
    base = "https://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpClient client(TestCa.Issued cert) {
    return client(ca.clientContext(cert));
  }

  static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  static HttpResponse<String> send(HttpClient c, String method, String path, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String code(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body()).path("errors").path(0).path("code").asText();
  }

  static String token(HttpClient c, String authorization, String scope) throws IOException {
    HttpResponse<String> r = send(c, "GET", "/v2/token?service=jswarm-registry&scope="
        + URLEncoder.encode(scope, StandardCharsets.UTF_8), authorization);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode o = JSON.readTree(r.body());
    assertEquals(o.path("token").asText(), o.path("access_token").asText());
    assertTrue(o.path("expires_in").asLong() > 0);
    assertTrue(o.path("issued_at").asText().endsWith("Z"), r.body());
    return o.path("token").asText();
  }

  static final String HELD = "/_jswarm/blobs/" + Digest.of(new byte[] {1});
  static final String ALICE = BasicAuthTest.basic("alice", "s3cret");

  @Test
  void certificatesMapToTheirRoles() throws IOException {
    HttpClient worker = client(ca.issue("w1", SwarmIdentity.WORKER, CLUSTER));
    assertEquals(200, send(worker, "GET", "/v2/", null).statusCode());
    assertEquals("NAME_UNKNOWN", code(send(worker, "GET", "/v2/team/app/tags/list", null)), "a worker may pull");
    HttpResponse<String> push = send(worker, "POST", "/v2/team/app/blobs/uploads/", null);
    assertEquals(403, push.statusCode());
    assertEquals("DENIED", code(push));
    assertTrue(push.body().contains("swarm-worker:w1 may not push to team/app"), push.body());
    assertEquals(403, send(worker, "GET", HELD, null).statusCode(), "workers do not use the peer endpoints");
    assertEquals(403, send(worker, "DELETE", "/v2/team/app/manifests/latest", null).statusCode());

    HttpClient manager = client(ca.issue("m2", SwarmIdentity.MANAGER, CLUSTER));
    assertEquals(202, send(manager, "POST", "/v2/team/app/blobs/uploads/", null).statusCode());
    assertEquals(404, send(manager, "GET", HELD, null).statusCode(), "a manager may copy blobs (this one is absent)");
    assertEquals("MANIFEST_UNKNOWN", code(send(manager, "DELETE", "/v2/team/app/manifests/latest", null)));

    HttpClient admin = client(ca.issue("ops", SwarmIdentity.ADMIN, CLUSTER));
    assertEquals(202, send(admin, "POST", "/v2/team/app/blobs/uploads/", null).statusCode());
    assertEquals("MANIFEST_UNKNOWN", code(send(admin, "DELETE", "/v2/team/app/manifests/latest", null)));
    assertEquals(403, send(admin, "GET", HELD, null).statusCode(), "admins push and delete, they do not replicate");
  }

  @Test
  void aCertificateOfAnotherClusterIsRefused() throws IOException {
    HttpClient foreign = client(ca.issue("m9", SwarmIdentity.MANAGER, "c2"));
    HttpResponse<String> r = send(foreign, "GET", "/v2/team/app/tags/list", null);
    assertEquals(403, r.statusCode());
    assertEquals("DENIED", code(r));
    assertTrue(r.body().contains("belongs to cluster 'c2'"), r.body());
    HttpResponse<String> t = send(foreign, "GET", "/v2/token?service=jswarm-registry&scope=repository:team/app:pull", null);
    assertEquals(403, t.statusCode(), "no token for it either");
    assertTrue(t.headers().allValues("WWW-Authenticate").isEmpty());
  }

  @Test
  void aCertificateFromAnotherCaIsNoLogin() throws IOException {
    TestCa other = new TestCa("other-root");
    SSLContext ctx;
    try {
      ctx = SSLContext.getInstance("TLS");
      ctx.init(new javax.net.ssl.KeyManager[] {other.issue("x", SwarmIdentity.MANAGER, CLUSTER).keyManager()},
          new javax.net.ssl.TrustManager[] {ca.trustManager()}, null);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
    HttpClient c = client(ctx);
    // the server names the swarm's root as the issuer it accepts, so JSSE does not even send this
    // certificate (one sent anyway would fail the trust manager and the handshake): no login
    HttpResponse<String> r;
    try {
      r = send(c, "GET", "/v2/team/app/tags/list", null);
    } catch (java.io.UncheckedIOException handshakeRefused) {
      return;
    }
    assertEquals(401, r.statusCode(), r.body());
  }

  @Test
  void withoutCredentialsTheClientIsChallengedForABearerToken() throws IOException {
    HttpClient anon = client((TestCa.Issued) null);
    HttpResponse<String> r = send(anon, "GET", "/v2/", null);
    assertEquals(401, r.statusCode());
    assertEquals("UNAUTHORIZED", code(r));
    List<String> challenges = r.headers().allValues("WWW-Authenticate");
    assertEquals("Bearer realm=\"" + base + "/v2/token\",service=\"jswarm-registry\"", challenges.get(0));
    assertTrue(challenges.contains("Basic realm=\"jswarm-registry\""), challenges.toString());
    HttpResponse<String> pull = send(anon, "GET", "/v2/team/app/tags/list", null);
    assertEquals(401, pull.statusCode());
    assertTrue(pull.headers().firstValue("WWW-Authenticate").orElse("").contains(
        "scope=\"repository:team/app:pull\""), pull.headers().toString());
    // Basic keeps working for htpasswd users
    assertEquals(202, send(anon, "POST", "/v2/team/app/blobs/uploads/", ALICE).statusCode());
  }

  @Test
  void tokenEndpointGrantsOnlyWhatTheLoginMayDo() throws IOException {
    HttpClient anon = client((TestCa.Issued) null);
    String t = token(anon, ALICE, "repository:team/app:pull,push");
    assertEquals(200, send(anon, "GET", "/v2/", "Bearer " + t).statusCode());
    assertEquals(202, send(anon, "POST", "/v2/team/app/blobs/uploads/", "Bearer " + t).statusCode());
    assertEquals("NAME_UNKNOWN", code(send(anon, "GET", "/v2/team/app/tags/list", "Bearer " + t)));
    HttpResponse<String> elsewhere = send(anon, "POST", "/v2/other/blobs/uploads/", "Bearer " + t);
    assertEquals(401, elsewhere.statusCode(), "the token is for team/app only");
    assertTrue(elsewhere.headers().firstValue("WWW-Authenticate").orElse("")
        .contains("scope=\"repository:other:pull,push\",error=\"insufficient_scope\""), elsewhere.headers().toString());
    HttpResponse<String> delete = send(anon, "DELETE", "/v2/team/app/manifests/latest", "Bearer " + t);
    assertEquals(401, delete.statusCode(), "delete was not asked for");

    // a worker's certificate asking for push gets a token for pull only
    HttpClient worker = client(ca.issue("w2", SwarmIdentity.WORKER, CLUSTER));
    String wt = token(worker, null, "repository:team/app:pull,push");
    assertEquals(401, send(anon, "POST", "/v2/team/app/blobs/uploads/", "Bearer " + wt).statusCode());
    assertEquals("NAME_UNKNOWN", code(send(anon, "GET", "/v2/team/app/tags/list", "Bearer " + wt)));

    // wrong password: no token; tampered token: refused
    HttpResponse<String> wrong = send(anon, "GET", "/v2/token?service=jswarm-registry&scope=repository:team/app:pull",
        BasicAuthTest.basic("alice", "nope"));
    assertEquals(401, wrong.statusCode());
    assertEquals("UNAUTHORIZED", code(wrong));
    String tampered = t.substring(0, t.length() - 4) + (t.endsWith("AAAA") ? "BBBB" : "AAAA");
    HttpResponse<String> bad = send(anon, "GET", "/v2/team/app/tags/list", "Bearer " + tampered);
    assertEquals(401, bad.statusCode());
    assertTrue(bad.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
    // anonymous (no login, anonymous pull off): a token granting nothing
    String none = token(anon, null, "repository:team/app:pull");
    assertEquals(401, send(anon, "GET", "/v2/team/app/tags/list", "Bearer " + none).statusCode());
  }

  @Test
  void aMountNeedsPullOnItsSource() throws IOException {
    HttpClient anon = client((TestCa.Issued) null);
    byte[] blob = "mounted".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.of(blob);
    HttpRequest put = HttpRequest.newBuilder(URI.create(base + "/v2/src/blobs/uploads/?digest=" + d))
        .header("Authorization", ALICE).POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build();
    try {
      assertEquals(201, anon.send(put, HttpResponse.BodyHandlers.ofString()).statusCode());
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    String mount = "/v2/dst/blobs/uploads/?mount=" + d + "&from=src";
    String pushDstOnly = token(anon, ALICE, "repository:dst:pull,push");
    assertEquals(202, send(anon, "POST", mount, "Bearer " + pushDstOnly).statusCode(),
        "without pull on src the mount is a plain upload");
    String both = token(anon, ALICE, "repository:dst:pull,push repository:src:pull");
    assertEquals(201, send(anon, "POST", mount, "Bearer " + both).statusCode());
  }

  @Test
  void aRenewedServerCertificateServesNewConnections() throws Exception {
    X509Certificate before = serverCertificate();
    var previous = serverKeys.current.get();
    TestCa.Issued renewed = ca.issue("m1", SwarmIdentity.MANAGER, CLUSTER);
    serverKeys.current.set(renewed.keyManager());
    try {
      X509Certificate after = serverCertificate();
      assertNotEquals(before.getSerialNumber(), after.getSerialNumber());
      assertEquals(renewed.cert().getSerialNumber(), after.getSerialNumber());
    } finally {
      serverKeys.current.set(previous);
    }
  }

  /** The certificate the registry presents to a new connection (a new client has no pooled one). */
  private static X509Certificate serverCertificate() throws Exception {
    HttpResponse<String> r = client((TestCa.Issued) null).send(HttpRequest.newBuilder(URI.create(base + "/v2/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
  }
}
