package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a task reaches on its node, through the whole stack (daemon, agent, worker networking, runc)
 * on a one-node lab with the registry on: two tasks of different services meet over an overlay
 * they share but not over the node bridge; no task opens the node's cluster (2377), Raft (2378) or
 * registry (5000) port on the bridge gateway or the node's address; and the service flags
 * --read-only and --cap-add reach the container under the default seccomp profile.
 * Probes run in a task's network namespace on its host ({@code ip netns exec}), as OverlayNetworkIT's.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class NodeIsolationLabIT {
  static Lab lab;
  static Api api;
  static final String WEB = "mkdir -p /www && echo %s > /www/index.html && exec httpd -f -p 80 -h /www";

  @BeforeAll
  static void up() {
    lab = new Lab(NodeIsolationLabIT.class).withRegistry(5000);
    lab.up(1, 0);
    api = new Api(lab);
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "node", "ls").out().contains("Ready"), "h1 Ready");
  }

  @AfterAll
  static void down() {
    if (api != null) api.close();
    if (lab != null) lab.close();
  }

  static Task running(String service) {
    for (Task t : api.control("h1", 5_000).listTasks(ListTasksRequest.newBuilder().addServiceRefs(service).build()).getTasksList()) {
      if (t.getDesiredState() == TaskState.RUNNING && t.getStatus().getState() == TaskState.RUNNING) return t;
    }
    return null;
  }

  static String ns(Task t) {
    String list = lab.sh("h1", "ip netns list").out();
    return list.lines().map(l -> l.split(" ")[0]).filter(n -> n.endsWith("-" + t.getId())).findFirst()
        .orElseThrow(() -> new AssertionError("no network namespace for task " + t.getId() + " in:\n" + list));
  }

  static Lab.Result inTask(Task t, String cmd) {
    return lab.sh("h1", "ip netns exec " + ns(t) + " " + cmd);
  }

  /** The task's first IPv4 address on an interface ("eth0" is its node-bridge leg). */
  static String addrOn(Task t, String dev) {
    return inTask(t, "ip -4 -o addr show dev " + dev).out().replaceAll("(?s).* inet (\\S+)/.*", "$1").trim();
  }

  /** Whether a TCP connection opens within 3 s (bash's /dev/tcp in the task's namespace). */
  static boolean opens(Task from, String ip, int port) {
    return inTask(from, "timeout 3 bash -c '</dev/tcp/" + ip + "/" + port + "'").ok();
  }

  @Test
  void tasksMeetOnlyOverASharedNetworkAndNeverReachTheNodesOwnPorts() {
    lab.jswarmOk("h1", "network", "create", "-d", "overlay", "shared");
    for (String s : List.of("a", "b")) {
      lab.jswarmOk("h1", "service", "create", "-d", "--name", s, "--network", "shared", "--stop-grace-period", "0s",
          "busybox", "sh", "-c", String.format(WEB, s));
    }
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "c", "--stop-grace-period", "0s", "busybox", "sh", "-c", String.format(WEB, "c"));
    Lab.await(Duration.ofSeconds(90), () -> running("a") != null && running("b") != null && running("c") != null, "a, b, c running");
    Task a = running("a");
    String bOverlay = addrOn(running("b"), "eth1");
    String bBridge = addrOn(running("b"), "eth0");
    String cBridge = addrOn(running("c"), "eth0");
    Lab.await(Duration.ofSeconds(30), () -> inTask(a, "timeout 3 busybox wget -q -O- http://" + bOverlay + "/").out().contains("b"),
        "a reaches b over the overlay they share (" + bOverlay + ")");
    assertFalse(inTask(a, "timeout 3 busybox wget -q -O- http://" + cBridge + "/").ok(), "a reached c over the node bridge");
    assertFalse(inTask(a, "timeout 3 busybox wget -q -O- http://" + bBridge + "/").ok(), "a reached b's bridge address");

    String gateway = inTask(a, "ip -4 route show default").out().replaceAll("(?s).*via (\\S+).*", "$1").trim();
    String listening = lab.sh("h1", "ss -ltn").out();
    for (int port : List.of(2377, 2378, 5000)) {
      assertTrue(listening.contains(":" + port + " "), "the node listens on " + port + ":\n" + listening);
      for (String ip : List.of(gateway, lab.ip("h1"))) {
        assertFalse(opens(a, ip, port), "a task opened " + ip + ":" + port);
      }
    }
    assertTrue(opens(running("c"), cBridge, 80), "the probe itself works: c opens its own port 80");
  }

  @Test
  void securityFlagsReachTheContainer() {
    String probe = "touch /x 2>/dev/null && echo touch=ok || echo touch=refused; "
        + "mkdir -p /dev/shm/m; mount -t tmpfs t /dev/shm/m 2>/dev/null && echo mount=ok || echo mount=refused; "
        + "grep -E '^(Seccomp|CapEff):' /proc/self/status; sleep 3600";
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "plain", "--stop-grace-period", "0s", "busybox", "sh", "-c", probe);
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "loose", "--read-only", "--cap-add", "SYS_ADMIN",
        "--stop-grace-period", "0s", "busybox", "sh", "-c", probe);
    try {
      for (String s : List.of("plain", "loose")) {
        Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "service", "logs", s).out().contains("CapEff"), s + " printed its probe");
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + lab.jswarm("h1", "service", "ps", "--no-trunc", "plain", "loose").all()
          + lab.jswarm("h1", "service", "logs", "plain").all() + lab.jswarm("h1", "service", "logs", "loose").all(), e);
    }
    String plain = lab.jswarmOk("h1", "service", "logs", "plain").out();
    String loose = lab.jswarmOk("h1", "service", "logs", "loose").out();
    assertTrue(plain.contains("touch=ok") && plain.contains("mount=refused") && plain.matches("(?s).*Seccomp:\\s+2.*")
        && plain.matches("(?s).*CapEff:\\s+00000000a80425fb.*"), plain);
    assertTrue(loose.contains("touch=refused") && loose.contains("mount=ok") && loose.matches("(?s).*Seccomp:\\s+2.*")
        && loose.matches("(?s).*CapEff:\\s+00000000a82425fb.*"), loose);
    var bad = lab.jswarm("h1", "service", "create", "-d", "--name", "bad", "--sysctl", "kernel.panic=1", "busybox", "true");
    assertEquals(125, bad.exit(), bad.all());
  }
}
