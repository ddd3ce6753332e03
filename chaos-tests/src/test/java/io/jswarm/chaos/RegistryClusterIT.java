package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
 * manager's registry when h1's is gone). First, while all are up: an image imported on the worker
 * runs as a service on the three managers, which never had it in their own stores.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryClusterIT {
  static Lab lab;

  @BeforeAll
  static void up() {
    lab = new Lab(RegistryClusterIT.class).withRegistry(5000);
    lab.up(3, 1);
  }

  @AfterAll
  static void down() {
    if (lab != null) lab.close();
  }

  @Test
  @Order(1)
  void imageImportedOnAWorkerRunsOnTheManagers() {
    Lab.Result imp = lab.jswarmOk("h4", "image", "import", lab.dir().resolve("busybox.tar").toString(), "imported:1");
    assertTrue(imp.err().contains("stored in the swarm's registry as "), imp.all());
    for (String m : lab.managers()) {
      assertTrue(!lab.jswarmOk(m, "image", "ls").out().contains("imported"), m + " does not have it yet");
    }
    lab.jswarmOk("h2", "service", "create", "--name", "imp", "--replicas", "3", "--constraint", "node.role==manager",
        "imported:1", "sleep", "3600");
    Lab.await(Duration.ofSeconds(90), () -> running(lab.jswarm("h2", "service", "ps", "imp").out(), null) == 3,
        "3 replicas of imp running on the managers");
    lab.jswarmOk("h2", "service", "rm", "imp");
  }

  @Test
  @Order(2)
  void pushToOneManagerPullFromAnotherAfterItDies() {
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
