package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The registry built into every manager: 3 managers (each serving it on :5000) and a worker. The
 * lab's busybox is pushed to h1's registry; a 3-replica service of it runs; h1 is killed (-9);
 * the image is pulled from h2's registry on another node and the service keeps 3 replicas
 * running (a replica that was on h1 is rescheduled; its node pulls the pinned image from another
 * manager's registry when h1's is gone). First, while all are up: an image imported on a manager
 * runs as a service on the nodes that never had it in their own stores, and one imported on the
 * worker stays there (a worker's certificate may pull, not push); registry gc removes an
 * unreferenced image's blobs from the store and every manager's disk. The registries serve TLS
 * with the managers' swarm certificates and require a login (htpasswd) from outsiders; the nodes
 * use their certificates (imports, task pulls, the managers' blob copies); the last test turns on
 * anonymous pull.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryClusterIT {
  static Lab lab;
  static java.nio.file.Path secrets;
  static final String ALICE = "alice:s3cret";

  @BeforeAll
  static void up() throws java.io.IOException {
    secrets = Files.createTempDirectory("jswarm-registry-cluster");
    java.nio.file.Path htpasswd = secrets.resolve("htpasswd");
    // alice:s3cret, as `htpasswd -B -C 4` writes it (the lab tests see jswarm as a black box: no bcrypt library here)
    Files.writeString(htpasswd, "alice:$2y$04$RM8WgWD8h39mHEkFZUCNZuDnYkWUyskbu9t5Y8SR7/S4XSScHyVkS\n");
    lab = new Lab(RegistryClusterIT.class).withRegistry(5000).withRegistryHtpasswd(htpasswd);
    lab.up(3, 1);
  }

  @AfterAll
  static void down() throws java.io.IOException {
    try {
      if (lab != null) lab.close();
    } finally {
      try (var files = Files.walk(secrets)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** HTTP status of a request from h4 to a registry path, with {@code -u USER:PASS} or none. */
  private static String status(String host, String path, String login, String... curlArgs) {
    return lab.sh("h4", "curl -s -o /dev/null -w '%{http_code}' " + String.join(" ", curlArgs)
        + (login == null ? "" : " -u " + login) + " -H 'Accept: application/vnd.oci.image.manifest.v1+json' -k https://"
        + lab.ip(host) + ":5000" + path).out().trim();
  }

  @Test
  @Order(1)
  void imageImportedOnAManagerRunsEverywhereAndAWorkersImportStaysLocal() {
    // a worker's certificate may pull from the swarm's registry, not push (issue 10)
    Lab.Result local = lab.jswarmOk("h4", "image", "import", lab.dir().resolve("busybox.tar").toString(), "workeronly:1");
    assertTrue(local.err().contains("stored on this node only"), local.all());
    assertEquals("404", status("h2", "/v2/workeronly/manifests/1", ALICE), "a worker's import is not in the swarm's registry");

    Lab.Result imp = lab.jswarmOk("h1", "image", "import", lab.dir().resolve("busybox.tar").toString(), "imported:1");
    assertTrue(imp.err().contains("stored in the swarm's registry as "), imp.all());
    for (String n : List.of("h2", "h3", "h4")) {
      assertTrue(!lab.jswarmOk(n, "image", "ls").out().contains("imported"), n + " does not have it yet");
    }
    lab.jswarmOk("h2", "service", "create", "--name", "imp", "--replicas", "3", "--constraint", "node.hostname!=" + lab.nodeName("h1"),
        "imported:1", "sleep", "3600");
    Lab.await(Duration.ofSeconds(90), () -> running(lab.jswarm("h2", "service", "ps", "imp").out(), null) == 3,
        "3 replicas of imp running on the nodes that never had it");
    lab.jswarmOk("h2", "service", "rm", "imp");
    assertEquals("401", status("h2", "/v2/imported/manifests/1", null), "outsiders need a login");
    assertEquals("200", status("h2", "/v2/imported/manifests/1", ALICE));
  }

  @Test
  @Order(2)
  void gcRemovesUnreferencedBlobsFromEveryManagerAndTheStore() {
    String tar = lab.dir().resolve("gcme.tar").toString();
    lab.sh("h1", "d=$(mktemp -d) && head -c 65536 /dev/urandom > $d/noise && tar -C $d -cf " + tar + " . && rm -rf $d");
    Lab.Result imp = lab.jswarmOk("h1", "image", "import", tar, "gcme:1");
    assertTrue(imp.err().contains("stored in the swarm's registry as " + lab.ip("h1") + ":5000/gcme:1"), imp.all());
    String inspect = lab.sh("h4", "curl -s -D - -u " + ALICE + " -H 'Accept: application/vnd.oci.image.manifest.v1+json' "
        + "-k https://" + lab.ip("h2") + ":5000/v2/gcme/manifests/1").out();
    String manifest = group(inspect, "(?i)Docker-Content-Digest:\\s*(sha256:[0-9a-f]{64})");
    String layer = group(inspect, "(?s)\"layers\"\\s*:\\s*\\[\\s*\\{.*?\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");
    for (String m : lab.managers()) {
      Lab.await(Duration.ofSeconds(60), () -> Files.exists(blobFile(m, layer)), "the layer reaches " + m);
    }

    // a dry run changes nothing; the image still referenced keeps its blobs
    assertTrue(lab.sh("h4", "skopeo delete --tls-verify=false --creds " + ALICE + " docker://" + lab.ip("h2")
        + ":5000/gcme@" + manifest).ok(), "manifest deleted");
    String dry = lab.jswarmOk("h2", "registry", "gc", "--grace", "0s", "--dry-run").out();
    assertTrue(dry.contains("would delete "), dry);
    assertTrue(Files.exists(blobFile("h2", layer)), "a dry run deletes nothing");
    String gc = lab.jswarmOk("h2", "registry", "gc", "--grace", "0s").out();
    assertTrue(gc.matches("(?s)deleted [1-9][0-9]* unreferenced blob.*"), gc);
    for (String m : lab.managers()) {
      Lab.await(Duration.ofSeconds(60), () -> !Files.exists(blobFile(m, layer)), "the layer leaves " + m + "'s disk");
      assertEquals("404", status(m, "/v2/gcme/blobs/" + layer, ALICE, "-I"), m + " no longer knows the layer");
    }
    assertEquals("200", status("h3", "/v2/imported/manifests/1", ALICE, "-I"), "a referenced image is untouched");

    // a young blob is kept by the default grace; bad input and non-managers are refused clearly
    assertTrue(lab.jswarmOk("h2", "registry", "gc", "--dry-run").out().contains("would delete 0 "));
    Lab.Result neg = lab.jswarm("h2", "registry", "gc", "--grace", "soon");
    assertTrue(neg.exit() != 0 && neg.err().contains("invalid duration"), neg.all());
    Lab.Result worker = lab.jswarm("h4", "registry", "gc");
    assertTrue(worker.exit() != 0, worker.all());
  }

  private static java.nio.file.Path blobFile(String host, String digest) {
    String hex = digest.substring("sha256:".length());
    return lab.dir().resolve(host).resolve("data/registry/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
  }

  private static String group(String text, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in\n" + text);
    return m.group(1);
  }

  @Test
  @Order(3)
  void pushToOneManagerPullFromAnotherAfterItDies() {
    // image inspect asks registries from the CLI, which has no login: let anyone pull
    lab.jswarmOk("h2", "swarm", "update", "--registry-anonymous-pull");
    Lab.await(Duration.ofSeconds(30), () -> status("h3", "/v2/imported/manifests/1", null).equals("200"),
        "anonymous pulls are served");
    assertEquals("401", status("h3", "/v2/imported/blobs/uploads/", null, "-X POST"), "but not pushes");
    String h1Registry = lab.ip("h1") + ":5000";
    String h2Registry = lab.ip("h2") + ":5000";
    for (String m : lab.managers()) {
      String info = lab.jswarmOk(m, "info").out();
      assertTrue(info.contains("Registry: " + lab.ip(m) + ":5000"), m + " serves the registry:\n" + info);
      Lab.await(Duration.ofSeconds(60), () -> lab.sh("h4", "timeout 2 bash -c 'echo > /dev/tcp/"
          + lab.ip(m) + "/5000'").ok(), "registry answers on " + m);
    }

    String ref = h1Registry + "/busybox:1";
    lab.jswarmOk("h1", "image", "tag", "busybox:latest", ref);
    String push = lab.jswarmOk("h1", "image", "push", ref).out();
    assertTrue(push.contains("digest: sha256:"), push);
    String digest = push.lines().filter(l -> l.startsWith("digest: ")).findFirst().orElseThrow().substring(8);

    // the metadata is the cluster's: h3's registry knows the tag at once
    String inspect = lab.jswarmOk("h4", "image", "inspect", lab.ip("h3") + ":5000/busybox:1").out();
    assertTrue(inspect.contains(digest), inspect);

    lab.jswarmOk("h1", "service", "create", "--name", "bb", "--replicas", "3", ref, "sleep", "3600");
    Lab.await(Duration.ofSeconds(90), () -> running(lab.jswarm("h1", "service", "ps", "bb").out(), null) == 3,
        "3 replicas of bb running");

    String h1Name = lab.nodeName("h1");
    String before = lab.jswarmOk("h1", "service", "ps", "bb").out();
    System.out.println("[registry-cluster] before killing h1:\n" + before);
    lab.kill("h1");

    String pull = lab.jswarmOk("h3", "image", "pull", h2Registry + "/busybox:1").out();
    assertTrue(pull.contains("Status: pulled " + h2Registry + "/busybox:1"), pull);
    String pinned = lab.jswarmOk("h4", "image", "inspect", h2Registry + "/busybox@" + digest).out();
    assertTrue(pinned.contains(digest), pinned);

    Lab.await(Duration.ofSeconds(150), () -> running(lab.jswarm("h2", "service", "ps", "bb").out(), h1Name) == 3,
        "3 replicas of bb running without h1");
  }

  /** Running tasks in `service ps` output, not counting those on {@code exceptNode}. */
  private static long running(String servicePs, String exceptNode) {
    return servicePs.lines().filter(l -> l.contains("Running"))
        .filter(l -> exceptNode == null || !l.contains(exceptNode)).count();
  }
}
