package io.jswarm.worker.agent;

import static io.jswarm.worker.engine.EngineCleanup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;
import io.jswarm.worker.engine.ContainerState;
import io.jswarm.worker.engine.EngineCleanup;
import io.jswarm.worker.engine.LocalEngine;
import io.jswarm.worker.engine.TestTars;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent against a loopback fake Dispatcher, with real containers. */
@Timeout(120)
class AgentIT {
  private Path dataRoot;
  private LocalEngine engine;
  private FakeDispatcher dispatcher;
  private Agent agent;
  private String imageId;
  private final String node = "agent-it-" + UUID.randomUUID().toString().substring(0, 6);

  @BeforeEach
  void setUp() throws Exception {
    dataRoot = Files.createTempDirectory("jswarm-agent-it");
    engine = new LocalEngine(dataRoot, node);
    imageId = engine.images().importImage("busybox", new ByteArrayInputStream(TestTars.busybox())).getId();
    dispatcher = new FakeDispatcher();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    EngineCleanup.removeAll(engine, dataRoot);
  }

  private Agent newAgent() {
    Agent a = new Agent(new AgentConfig("node-id-1", node, "127.0.0.1:1", () -> List.of(dispatcher.addr()),
        NodeDescription.newBuilder().setHostname(node).build(),
        // the test's dispatcher is in-process on loopback; TLS between nodes is covered by the lab suites
        addr -> io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forTarget(addr).usePlaintext().build()), engine);
    a.start();
    return a;
  }

  private Task task(String id, TaskState desired, String image, String... cmd) {
    return Task.newBuilder().setId(id).setDesiredState(desired).setImageDigest(image)
        .setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED))
        .setSpec(TaskSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setImage("busybox")
            .addAllCommand(List.of(cmd)).setStopGracePeriodMs(100).setStopGracePeriodSet(true)))
        .build();
  }

  @Test
  void theImagesHealthcheckGatesRunningAndReplacesUnhealthyContainers() throws Exception {
    agent = newAgent();
    String healthy = io.jswarm.worker.engine.TestImages.withHealthcheck(engine.images(), "hc-ok",
        TestTars.busybox(), List.of("CMD-SHELL", "true"), 200, 1);
    String sick = io.jswarm.worker.engine.TestImages.withHealthcheck(engine.images(), "hc-bad",
        TestTars.busybox(), List.of("CMD-SHELL", "false"), 200, 1);
    String ok = "hcok" + UUID.randomUUID().toString().substring(0, 8);
    String bad = "hcbad" + UUID.randomUUID().toString().substring(0, 8);
    dispatcher.assign(List.of(task(ok, TaskState.RUNNING, healthy, "sleep", "1000"),
        task(bad, TaskState.RUNNING, sick, "sleep", "1000")));
    await("healthy RUNNING, unhealthy FAILED", 30_000,
        () -> state(ok) == TaskState.RUNNING && state(bad) == TaskState.FAILED);
    assertEquals("task: unhealthy container", dispatcher.statuses.get(bad).getErr());
    assertEquals("healthy", engine.health(ok), "container ls and inspect show it");
    assertTrue(dispatcher.history.stream().noneMatch(s -> s.getState() == TaskState.RUNNING
        && s.getContainer().getContainerId().equals(bad)), "the sick task is never reported RUNNING");
    assertTrue(dispatcher.history.stream().anyMatch(s -> s.getState() == TaskState.RUNNING
        && s.getContainer().getContainerId().equals(ok)), "the healthy one is, with its container");
  }

  @Test
  void aPinnedDigestMissingHereIsNotReplacedByTheName() {
    // the swarm has a registry (nothing listens there): the pin must come from it or not at all
    engine.setClusterRegistries(() -> List.of("127.0.0.1:" + closedPort()));
    agent = newAgent();
    String id = "pin" + UUID.randomUUID().toString().substring(0, 8);
    String pin = "sha256:" + "0".repeat(64);
    dispatcher.assign(List.of(task(id, TaskState.RUNNING, pin, "sleep", "1000")));
    await("REJECTED", 30_000, () -> state(id) == TaskState.REJECTED);
    String err = dispatcher.statuses.get(id).getErr();
    assertTrue(err.contains(pin), err);
    assertTrue(engine.get(id).isEmpty(), "the local busybox ran in the pinned image's place");
  }

  private static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Neither the pinned digest nor the name (the agent falls back to it) is on this node. */
  private static Task missingImage(Task t) {
    return t.toBuilder().setSpec(t.getSpec().toBuilder().setContainer(
        t.getSpec().getContainer().toBuilder().setImage("no-such-image"))).build();
  }

  private TaskState state(String id) {
    TaskStatus s = dispatcher.statuses.get(id);
    return s == null ? TaskState.NEW : s.getState();
  }

  @Test
  void assignedTaskRunsAndIsRemovedWhenUnassigned() {
    agent = newAgent();
    String id = "task" + UUID.randomUUID().toString().substring(0, 8);
    await("hello", 10_000, () -> dispatcher.hellos.get() == 1);
    dispatcher.assign(List.of(task(id, TaskState.RUNNING, imageId, "sh", "-c", "sleep 1000")));
    await("RUNNING reported", 20_000, () -> state(id) == TaskState.RUNNING);
    assertTrue(dispatcher.statuses.get(id).getContainer().getPid() > 0);
    List<TaskState> seen = dispatcher.history.stream().map(TaskStatus::getState).toList();
    assertEquals(List.of(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING, TaskState.RUNNING),
        seen.stream().distinct().toList());
    assertEquals(ContainerState.Status.RUNNING, engine.state(id).status());
    await("heartbeats", 10_000, () -> dispatcher.heartbeats.get() >= 2);

    dispatcher.assign(List.of());
    await("container removed", 20_000, () -> engine.list().isEmpty());
  }

  @Test
  void shutdownExitAndMissingImageAreReported() {
    agent = newAgent();
    String run = "run" + UUID.randomUUID().toString().substring(0, 8);
    String quick = "quick" + UUID.randomUUID().toString().substring(0, 8);
    String fails = "fails" + UUID.randomUUID().toString().substring(0, 8);
    String noimg = "noimg" + UUID.randomUUID().toString().substring(0, 8);
    Task runTask = task(run, TaskState.RUNNING, imageId, "sleep", "1000");
    dispatcher.assign(List.of(runTask,
        task(quick, TaskState.RUNNING, imageId, "true"),
        task(fails, TaskState.RUNNING, imageId, "sh", "-c", "exit 3"),
        missingImage(task(noimg, TaskState.RUNNING, "sha256:" + "0".repeat(64), "true"))));
    await("all reported", 20_000, () -> state(run) == TaskState.RUNNING && state(quick) == TaskState.COMPLETE
        && state(fails) == TaskState.FAILED && state(noimg) == TaskState.REJECTED);
    assertEquals("task: non-zero exit (3)", dispatcher.statuses.get(fails).getErr());
    assertEquals(3, dispatcher.statuses.get(fails).getContainer().getExitCode());
    assertTrue(dispatcher.statuses.get(noimg).getErr().contains("not found on node " + node),
        dispatcher.statuses.get(noimg).getErr());

    dispatcher.assign(List.of(runTask.toBuilder().setDesiredState(TaskState.SHUTDOWN)
        .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build()));
    await("SHUTDOWN reported and everything removed", 20_000,
        () -> state(run) == TaskState.SHUTDOWN && engine.list().isEmpty());
  }

  @Test
  void restartedAgentAdoptsRunningContainerAndReportsExitsWhileDown() throws Exception {
    agent = newAgent();
    String keep = "keep" + UUID.randomUUID().toString().substring(0, 8);
    String dies = "dies" + UUID.randomUUID().toString().substring(0, 8);
    dispatcher.assign(List.of(task(keep, TaskState.RUNNING, imageId, "sleep", "1000"),
        task(dies, TaskState.RUNNING, imageId, "sleep", "1000")));
    await("both running", 20_000, () -> state(keep) == TaskState.RUNNING && state(dies) == TaskState.RUNNING);
    int keepPid = engine.state(keep).pid();
    agent.close();
    agent = null;

    new ProcessBuilder("kill", "-9", Integer.toString(engine.state(dies).pid())).start().waitFor();
    await("dies exited", 10_000, () -> engine.state(dies).status() == ContainerState.Status.STOPPED);
    dispatcher.statuses.clear();
    dispatcher.history.clear();
    // the manager's view: both RUNNING
    dispatcher.assign(List.of(
        task(keep, TaskState.RUNNING, imageId, "sleep", "1000").toBuilder()
            .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build(),
        task(dies, TaskState.RUNNING, imageId, "sleep", "1000").toBuilder()
            .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build()));
    agent = newAgent();
    await("exit while down reported", 20_000, () -> state(dies) == TaskState.FAILED);
    assertEquals(137, dispatcher.statuses.get(dies).getContainer().getExitCode());
    assertEquals(keepPid, engine.state(keep).pid(), "adopted, not restarted");
    assertTrue(dispatcher.history.stream().noneMatch(s -> s.getState().getNumber() < TaskState.RUNNING.getNumber()),
        "no duplicate start: " + dispatcher.history);
    assertEquals(2, engine.list().size());
  }
}
