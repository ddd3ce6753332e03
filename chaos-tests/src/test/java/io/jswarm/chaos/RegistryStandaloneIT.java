package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A standalone {@code jswarm registry serve} on h1; the lab's busybox image is tagged and pushed
 * to it; a 3-replica service of {@code REGISTRY/busybox:1} pins the manifest digest and runs on
 * all three nodes, each worker pulling the image by digest; {@code image pull} and {@code image
 * inspect} work against the registry.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RegistryStandaloneIT {
  static Lab lab;
  static String registry;

  @BeforeAll
  static void up() {
    lab = new Lab(RegistryStandaloneIT.class);
    registry = lab.ip("h1") + ":5000";
    // a plain-HTTP registry: the daemons must be told, as Docker's are (--insecure-registry)
    lab.withInsecureRegistry(registry);
    lab.up(1, 2);
    String jswarm = Lab.ROOT.resolve("bin/jswarm").toString();
    String dir = lab.dir().resolve("registry").toString();
    var r = lab.sh("h1", "nohup " + jswarm + " registry serve --root " + dir + " --addr " + registry
        + " > " + dir + ".log 2>&1 < /dev/null & echo $! > " + dir + ".pid");
    assertTrue(r.ok(), r.all());
    Lab.await(Duration.ofSeconds(60), () -> lab.sh("h2", "timeout 2 bash -c 'echo > /dev/tcp/"
        + registry.replace(':', '/') + "'").ok(), "registry answers on " + registry);
  }

  @AfterAll
  static void down() {
    if (lab == null) return;
    try {
      lab.sh("h1", "kill $(cat " + lab.dir().resolve("registry.pid") + ")");
    } finally {
      lab.close();
    }
  }

  @Test
  void pushedImageRunsAsAServiceOnEveryNode() {
    String ref = registry + "/busybox:1";
    lab.jswarmOk("h1", "image", "tag", "busybox:latest", ref);
    String push = lab.jswarmOk("h1", "image", "push", ref).out();
    assertTrue(push.contains("Pushed") && push.contains("digest: sha256:"), push);
    String digest = push.lines().filter(l -> l.startsWith("digest: ")).findFirst().orElseThrow().substring(8);

    String inspect = lab.jswarmOk("h2", "image", "inspect", ref).out();
    assertTrue(inspect.contains(digest), inspect);

    lab.jswarmOk("h1", "service", "create", "--name", "bb", "--replicas", "3", ref, "sleep", "3600");
    Lab.await(Duration.ofSeconds(90), () -> running(lab.jswarm("h1", "service", "ps", "bb").out()) == 3,
        "3 replicas of bb running");
    String ps = lab.jswarmOk("h1", "service", "ps", "bb").out();
    for (String h : lab.hosts()) {
      assertTrue(ps.lines().anyMatch(l -> l.contains(lab.nodeName(h)) && l.contains("Running")), h + " runs one:\n" + ps);
    }
    String spec = lab.jswarmOk("h1", "service", "inspect", "bb").out();
    assertTrue(spec.contains(ref + "@" + digest), "the service pins the manifest digest:\n" + spec);
    for (String w : lab.workers()) {
      String again = lab.jswarmOk(w, "image", "pull", registry + "/busybox@" + digest).out();
      assertTrue(!again.contains("Pull complete") && again.contains("Status: pulled"),
          w + "'s agent pulled the pinned image already:\n" + again);
    }

    String pull = lab.jswarmOk("h3", "image", "pull", ref).out();
    assertTrue(pull.contains("Status: pulled " + ref), pull);
    var bad = lab.jswarm("h3", "image", "pull", registry + "/busybox:nope");
    assertEquals(false, bad.ok(), bad.all());
  }

  private static long running(String servicePs) {
    return servicePs.lines().filter(l -> l.contains("Running")).count();
  }
}
