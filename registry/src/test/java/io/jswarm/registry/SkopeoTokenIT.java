package io.jswarm.registry;

import static io.jswarm.registry.SkopeoIT.exec;
import static io.jswarm.registry.SkopeoIT.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.jswarm.registry.auth.SwarmIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real skopeo against the registry serving the swarm's identity over TLS (a test CA made here,
 * given to skopeo as {@code --cert-dir}): {@code skopeo login} and copies with
 * {@code --dest-creds}/{@code --src-creds} go through Docker's token flow; a node's client
 * certificate in the cert dir logs in with its role.
 */
@Timeout(180)
class SkopeoTokenIT {
  @TempDir static Path work;
  static RegistryServer server;
  static String host;
  static Path certs;
  static Path workerCerts;
  static Path authfile;

  @BeforeAll
  static void setUp() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo not installed");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci")), "umoci not installed");
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox not installed");
    TestCa ca = new TestCa("swarm-root");
    Path htpasswd = work.resolve("htpasswd");
    Files.writeString(htpasswd, "alice:" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "s3cret".toCharArray())
        + "\n");
    server = RegistryServer.start(RegistryConfig.of(work.resolve("root")).withAddress("127.0.0.1", 0)
        .withHtpasswd(htpasswd).withSwarmTls(new SwarmTls(ca.issue("m1", SwarmIdentity.MANAGER, "c1").keyManager(),
            ca.trustManager(), "c1")));
    host = "127.0.0.1:" + server.port();
    certs = work.resolve("certs");
    ca.writeCertDir(certs, null, null);
    workerCerts = work.resolve("worker-certs");
    ca.writeCertDir(workerCerts, ca.issue("w1", SwarmIdentity.WORKER, "c1"), "w1");
    authfile = work.resolve("auth.json");
    Path layout = work.resolve("src");
    run("umoci", "init", "--layout", layout.toString());
    run("umoci", "new", "--image", layout + ":t");
    run("umoci", "insert", "--rootless", "--image", layout + ":t", "/bin/busybox", "/bin/busybox");
  }

  @AfterAll
  static void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void loginPushAndPullWithCredentialsOverTls() throws Exception {
    SkopeoIT.Result wrong = exec("skopeo", "login", "--authfile", authfile.toString(), "--cert-dir", certs.toString(),
        "-u", "alice", "-p", "nope", host);
    assertNotEquals(0, wrong.rc(), "a wrong password is refused: " + wrong.output());
    SkopeoIT.Result login = exec("skopeo", "login", "--authfile", authfile.toString(), "--cert-dir", certs.toString(),
        "-u", "alice", "-p", "s3cret", host);
    assertEquals(0, login.rc(), login.output());
    assertTrue(login.output().contains("Login Succeeded"), login.output());

    String src = "oci:" + work.resolve("src") + ":t";
    String ref = "docker://" + host + "/team/app:1";
    SkopeoIT.Result anonymous = exec("skopeo", "copy", "--dest-cert-dir", certs.toString(), src, ref);
    assertNotEquals(0, anonymous.rc(), "a push needs a login");
    // skopeo words the 401 of its HEAD as "requested access to the resource is denied"
    assertTrue(anonymous.output().contains("denied") || anonymous.output().contains("unauthorized"),
        anonymous.output());

    run("skopeo", "copy", "--dest-cert-dir", certs.toString(), "--dest-creds", "alice:s3cret", src, ref);
    Path back = work.resolve("back");
    run("skopeo", "copy", "--src-cert-dir", certs.toString(), "--src-creds", "alice:s3cret", ref, "oci:" + back + ":t");
    assertArrayEquals(run("skopeo", "inspect", "--raw", src), run("skopeo", "inspect", "--raw", "oci:" + back + ":t"),
        "the manifest comes back byte for byte");
    // the login stored by skopeo login works too, and goes through the token endpoint
    SkopeoIT.Result stored = exec("skopeo", "--debug", "inspect", "--raw", "--authfile", authfile.toString(),
        "--cert-dir", certs.toString(), ref);
    assertEquals(0, stored.rc(), stored.output());
    assertTrue(stored.output().contains("/v2/token?"), "skopeo fetched a Bearer token: " + stored.output());

    run("skopeo", "delete", "--cert-dir", certs.toString(), "--creds", "alice:s3cret", ref);
    SkopeoIT.Result gone = exec("skopeo", "inspect", "--raw", "--cert-dir", certs.toString(), "--creds", "alice:s3cret",
        ref);
    assertNotEquals(0, gone.rc(), gone.output());
    assertTrue(gone.output().contains("manifest unknown"), gone.output());
  }

  @Test
  void aWorkerCertificatePullsButCannotPush() throws Exception {
    String src = "oci:" + work.resolve("src") + ":t";
    String ref = "docker://" + host + "/team/node:1";
    run("skopeo", "copy", "--dest-cert-dir", certs.toString(), "--dest-creds", "alice:s3cret", src, ref);
    // no credentials: the worker's certificate in the cert dir is the login
    run("skopeo", "inspect", "--raw", "--cert-dir", workerCerts.toString(), ref);
    SkopeoIT.Result push = exec("skopeo", "copy", "--dest-cert-dir", workerCerts.toString(), src,
        "docker://" + host + "/team/node:2");
    assertNotEquals(0, push.rc(), push.output());
  }
}
