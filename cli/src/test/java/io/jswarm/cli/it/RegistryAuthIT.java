package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built-in registry with a login (daemon --registry-htpasswd): outside clients need an
 * htpasswd user, the node itself gets in with its swarm certificate (its import is
 * stored, its task pulls), and {@code swarm update --registry-anonymous-pull} lets clients
 * without credentials pull, never push or delete, until it is turned off again.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class RegistryAuthIT {
  static Path secrets;
  static JswarmProcess js;
  static String registry;
  /** An outsider's client: no certificate, trusting the swarm's root (the registry serves TLS with the manager's certificate). */
  static HttpClient http;
  static final String ALICE = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

  @BeforeAll
  static void up() throws Exception {
    secrets = Files.createTempDirectory("jswarm-regauth");
    Path htpasswd = secrets.resolve("htpasswd");
    Files.writeString(htpasswd, "alice:" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "s3cret".toCharArray()) + "\n");
    js = JswarmProcess.swarmWithBusybox("regauth", "--registry-htpasswd", htpasswd.toString());
    registry = "127.0.0.1:" + js.registryPort;
    var root = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
        new java.io.ByteArrayInputStream(js.ok("swarm", "ca").out().getBytes(StandardCharsets.US_ASCII)));
    var ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("swarm-root", root);
    var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(ctx).build();
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (js != null) js.tearDown();
    } finally {
      Cleanup.deleteTree(secrets);
    }
  }

  static int status(String method, String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + registry + path)).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json")
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static JswarmProcess.Result sh(String script) {
    return JswarmProcess.exec(List.of("bash", "-c", script), Duration.ofSeconds(60));
  }

  @Test
  void outsidersNeedALoginUnlessAnonymousPullIsOnNodesAlwaysGetIn() throws Exception {
    // the node's own import reached the registry (its certificate), outsiders are refused
    JswarmProcess.Result imp = js.ok("image", "import", js.dir.resolve("busybox.tar").toString(), "authimg:1");
    assertTrue(imp.err().contains("stored in the swarm's registry as " + registry + "/authimg:1"), imp.all());
    assertEquals(401, status("GET", "/v2/", null));
    assertEquals(401, status("GET", "/v2/authimg/manifests/1", null));
    assertEquals(401, status("GET", "/v2/authimg/manifests/1", "Basic " + Base64.getEncoder()
        .encodeToString("jswarm-node:guess".getBytes(StandardCharsets.UTF_8))));
    assertEquals(200, status("GET", "/v2/authimg/manifests/1", ALICE));

    // a task pulls its pinned image with the node's certificate
    js.ok("image", "rm", "authimg:1");
    js.ok("service", "create", "--name", "auth", "--detach", "--stop-grace-period", "0s", "authimg:1", "sleep", "3600");
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runningRuncContainers(js.runcRoot()).size() == 1,
        "the task runs, its image pulled from the registry that requires a login");
    js.ok("service", "rm", "auth");

    js.ok("swarm", "update", "--registry-anonymous-pull");
    assertTrue(js.ok("info").out().contains("Registry Anonymous Pull: true"));
    assertEquals(401, status("GET", "/v2/", null), "the base still challenges: clients learn they may log in");
    assertEquals(200, status("HEAD", "/v2/authimg/manifests/1", null));
    assertEquals(200, status("GET", "/v2/authimg/tags/list", null));
    Path layout = js.dir.resolve("anon-layout");
    JswarmProcess.Result pull = sh("skopeo copy --src-tls-verify=false docker://" + registry + "/authimg:1 oci:" + layout + ":x");
    assertEquals(0, pull.exit(), "skopeo pulls without credentials: " + pull.all());
    // but nothing is written without a login
    assertEquals(401, status("POST", "/v2/authimg/blobs/uploads/", null));
    assertEquals(401, status("DELETE", "/v2/authimg/manifests/1", null));
    JswarmProcess.Result push = sh("skopeo copy --dest-tls-verify=false oci:" + layout + ":x docker://" + registry + "/anon:1");
    assertNotEquals(0, push.exit(), "an anonymous push is refused: " + push.all());
    JswarmProcess.Result alicePush = sh("skopeo copy --dest-tls-verify=false --dest-creds alice:s3cret oci:" + layout
        + ":x docker://" + registry + "/alice:1");
    assertEquals(0, alicePush.exit(), alicePush.all());

    js.ok("swarm", "update", "--registry-anonymous-pull=false");
    assertTrue(js.ok("info").out().contains("Registry Anonymous Pull: false"));
    assertEquals(401, status("GET", "/v2/authimg/manifests/1", null));
  }
}
