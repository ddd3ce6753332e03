package io.jswarm.worker.engine;

import static io.jswarm.worker.engine.EngineCleanup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jswarm.api.ImageSummary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real runc and conmon, as root. */
@Timeout(120)
class LocalEngineIT {
  private Path dataRoot;
  private LocalEngine engine;
  private LocalEngine engine2;
  private final String node = "it-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() throws Exception {
    dataRoot = Files.createTempDirectory("jswarm-engine-it");
    engine = new LocalEngine(dataRoot, node);
    engine.images().importImage("busybox", new ByteArrayInputStream(TestTars.busybox()));
  }

  @AfterEach
  void tearDown() {
    if (engine2 != null) {
      engine2.close();
    }
    EngineCleanup.removeAll(engine, dataRoot);
  }

  @Test
  void lifecycleLeavesNothingBehind() throws Exception {
    List<ExitEvent> exits = new CopyOnWriteArrayList<>();
    engine.onExit(exits::add);
    String id = "c1-" + UUID.randomUUID().toString().substring(0, 8);
    engine.create(new ContainerConfig(id, "task-1", "busybox", List.of("sh", "-c", "echo hello; echo oops >&2; sleep 1000"),
        List.of("FOO=bar"), "/tmp", "app", "", "", Map.of()));
    assertEquals(ContainerState.Status.CREATED, engine.state(id).status());
    engine.start(id);
    ContainerState st = engine.state(id);
    assertEquals(ContainerState.Status.RUNNING, st.status());
    assertTrue(st.pid() > 0);
    assertEquals("task-1", st.taskId());
    assertTrue(Files.readString(Path.of("/proc", "" + st.pid(), "status")).contains("Uid:\t1000"));

    List<LogEntry> lines = new CopyOnWriteArrayList<>();
    await("hello in logs", 10_000, () -> {
      lines.clear();
      engine.logs(id, false, -1, lines::add);
      return lines.stream().anyMatch(l -> new String(l.data(), StandardCharsets.UTF_8).equals("hello"));
    });
    assertTrue(lines.stream().anyMatch(l -> l.stream().equals("stderr") && new String(l.data()).equals("oops")));

    ContainerState stopped = engine.stop(id, 0, "");
    assertEquals(ContainerState.Status.STOPPED, stopped.status());
    assertEquals(137, stopped.exitCode());
    await("exit event", 10_000, () -> exits.stream().anyMatch(e -> e.containerId().equals(id) && e.exitCode() == 137));

    // follow on an exited container drains and returns
    List<LogEntry> followed = new CopyOnWriteArrayList<>();
    engine.logs(id, true, 1, followed::add);
    assertEquals(1, followed.size());

    int conmonPid = Conmon.readPid(dataRoot.resolve("containers").resolve(id).resolve("conmon.pid")).orElseThrow();
    engine.remove(id);
    assertFalse(EngineCleanup.runcIds(engine).contains(id), "runc state left");
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(id), "mount left");
    assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory", engine.cgroupPath(id))), "cgroup left");
    assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids", engine.cgroupPath(id))), "cgroup left");
    assertFalse(Procs.alive(conmonPid), "conmon left");
    assertFalse(Files.exists(dataRoot.resolve("containers").resolve(id)), "container dir left");
    assertFalse(Files.exists(dataRoot.resolve("exits").resolve(id)), "exit file left");
    assertTrue(engine.list().isEmpty());
    // The output outlives the container, as a finished task's does in Docker.
    List<LogEntry> kept = new CopyOnWriteArrayList<>();
    engine.logs(id, true, -1, kept::add);
    assertTrue(kept.stream().anyMatch(l -> new String(l.data(), StandardCharsets.UTF_8).equals("hello")), "kept log");
    assertThrows(NotFoundException.class, () -> engine.logs("../" + id, false, -1, x -> {}));
    assertThrows(NotFoundException.class, () -> engine.logs("never-existed", false, -1, x -> {}));
  }

  @Test
  void gracefulStopUsesSignalThenReportsExit() {
    String id = "c2-" + UUID.randomUUID().toString().substring(0, 8);
    engine.create(ContainerConfig.of(id, "busybox", List.of("sh", "-c", "trap 'exit 3' TERM; while true; do sleep 0.1; done")));
    engine.start(id);
    ContainerState st = engine.stop(id, 10_000, "SIGTERM");
    assertEquals(3, st.exitCode());
  }

  @Test
  void containerExitCodeIsRecorded() {
    List<ExitEvent> exits = new CopyOnWriteArrayList<>();
    engine.onExit(exits::add);
    String id = "c3-" + UUID.randomUUID().toString().substring(0, 8);
    engine.create(ContainerConfig.of(id, "busybox", List.of("sh", "-c", "exit 7")));
    engine.start(id);
    await("exit 7", 10_000, () -> exits.stream().anyMatch(e -> e.containerId().equals(id) && e.exitCode() == 7));
    assertEquals(ContainerState.Status.STOPPED, engine.state(id).status());
  }

  @Test
  void createFailureCarriesRuncErrorAndLeavesNothing() {
    String id = "c4-" + UUID.randomUUID().toString().substring(0, 8);
    EngineException e = assertThrows(EngineException.class,
        () -> engine.create(ContainerConfig.of(id, "busybox", List.of("/no/such/binary"))).id());
    // runc 1.1 resolves the binary at create time
    assertTrue(e.getMessage().contains("no such file") || e.getMessage().contains("not found")
        || e.getMessage().contains("executable"), e.getMessage());
    assertFalse(Files.exists(dataRoot.resolve("containers").resolve(id)));
    assertFalse(EngineCleanup.runcIds(engine).contains(id));
  }

  @Test
  void imageInUseCannotBeRemoved() {
    String id = "c5-" + UUID.randomUUID().toString().substring(0, 8);
    engine.create(ContainerConfig.of(id, "busybox", List.of("sleep", "100")));
    InUseException e = assertThrows(InUseException.class, () -> engine.images().remove("busybox", false));
    assertTrue(e.getMessage().contains(id));
    engine.remove(id);
    ImageStore.Removed r = engine.images().remove("busybox", false);
    assertEquals(List.of("busybox:latest"), r.untagged());
    assertEquals(1, r.deleted().size());
    List<ImageSummary> left = engine.images().list();
    assertTrue(left.isEmpty());
  }

  @Test
  void newEngineReadoptsRunningContainerAndSeesItsDeath() throws Exception {
    String id = "c6-" + UUID.randomUUID().toString().substring(0, 8);
    engine.create(ContainerConfig.of(id, "busybox", List.of("sleep", "1000")));
    engine.start(id);
    int pid = engine.state(id).pid();
    engine.close();

    engine2 = new LocalEngine(dataRoot, node);
    List<ExitEvent> exits = new CopyOnWriteArrayList<>();
    engine2.onExit(exits::add);
    assertEquals(List.of(id), engine2.list().stream().map(Container::id).toList());
    ContainerState st = engine2.state(id);
    assertEquals(ContainerState.Status.RUNNING, st.status());
    assertEquals(pid, st.pid());

    new ProcessBuilder("kill", "-9", Integer.toString(pid)).start().waitFor();
    await("exit 137 after kill -9", 10_000,
        () -> exits.stream().anyMatch(e -> e.containerId().equals(id) && e.exitCode() == 137));
    assertEquals(137, engine2.state(id).exitCode());
  }
}
