package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jswarm image import} in a one-node swarm whose manager serves the built-in registry:
 * the image lands in the cluster registry too, a service of the bare name is pinned to the
 * registry's manifest digest, and a node without the image in its own store pulls it from there.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterImageIT {
  static JswarmProcess js;

  @BeforeAll
  static void up() throws Exception {
    js = JswarmProcess.swarmWithBusybox("climg");
  }

  @AfterAll
  static void down() throws Exception {
    if (js != null) js.tearDown();
  }

  @Test
  void importedImageIsTheClustersAndRunsAfterTheLocalCopyIsGone() throws Exception {
    String registry = "127.0.0.1:" + js.registryPort;
    String tar = js.dir.resolve("busybox.tar").toString();
    JswarmProcess.Result imp = js.ok("image", "import", tar, "imported:1");
    String id = imp.out().trim();
    assertTrue(imp.err().contains("stored in the swarm's registry as " + registry + "/imported:1"), imp.all());

    String inspect = js.ok("image", "inspect", registry + "/imported:1").out();
    String digest = inspect.lines().filter(l -> l.contains("\"Digest\"")).findFirst().orElseThrow()
        .replaceAll(".*\"(sha256:[0-9a-f]{64})\".*", "$1");
    assertTrue(digest.startsWith("sha256:"), inspect);

    // the node forgets its own copy: only the cluster registry has the image now
    js.ok("image", "rm", "imported:1");
    assertTrue(!js.ok("image", "ls").out().contains("imported"), "the local copy is gone");

    js.ok("service", "create", "--name", "imp", "--detach", "--stop-grace-period", "0s", "imported:1", "sleep", "3600");
    String spec = js.ok("service", "inspect", "imp").out();
    assertTrue(spec.contains("imported:1@" + digest), "pinned to the registry's manifest digest:\n" + spec);
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runningRuncContainers(js.runcRoot()).size() == 1,
        "the task runs, its image pulled from the cluster registry");
    assertTrue(js.ok("image", "ls", "-q").out().contains(id.replace("sha256:", "").substring(0, 12)),
        "the pulled image is the imported one (same config digest)");
    js.ok("service", "rm", "imp");
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(js.runcRoot()).isEmpty(), "imp gone");
  }

  @Test
  void aNameNoRegistryCouldHoldIsRefusedBeforeAnythingIsStored() throws Exception {
    String before = js.ok("image", "ls", "-q").out();
    JswarmProcess.Result bad = js.run("image", "import", js.dir.resolve("busybox.tar").toString(), "Upper:1");
    assertNotEquals(0, bad.exit(), bad.all());
    assertTrue(bad.err().contains("lowercase"), bad.all());
    assertEquals(before, js.ok("image", "ls", "-q").out(), "nothing imported");
    JswarmProcess.Result missing = js.run("service", "create", "--name", "nope", "--detach", "absent:1", "sleep", "1");
    assertNotEquals(0, missing.exit(), missing.all());
    assertTrue(missing.err().contains("image absent:1 not found"), missing.all());
  }
}
