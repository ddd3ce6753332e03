package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One daemon per data root and per socket: a second is refused in one line naming the first's pid. */
@Timeout(120)
class DaemonLockIT {
  private JswarmProcess first;
  private Path other;

  @BeforeEach
  void setUp() throws Exception {
    Path dir = Files.createTempDirectory("jswarm-lock-it");
    first = new JswarmProcess(dir, "lock" + ProcessHandle.current().pid());
    first.startDaemon();
    other = Files.createTempDirectory("jswarm-lock-it-other");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      first.close();
    } finally {
      Cleanup.force(first.runcRoot(), first.dataRoot, first.nodeName);
      Cleanup.deleteTree(first.dir);
      Cleanup.deleteTree(other);
    }
  }

  private JswarmProcess.Result second(Path dataRoot, Path socket) throws Exception {
    return JswarmProcess.exec(List.of(JswarmProcess.BIN.toString(), "daemon", "--data-root", dataRoot.toString(),
        "--host", "unix://" + socket, "--listen-addr", "127.0.0.1:" + FreePorts.pair(), "--node-name", "second",
        "--registry-addr", "none", "--bridge", "none"), Duration.ofSeconds(60));
  }

  private String firstPid(Path lockFile) throws Exception {
    String pid = Files.readString(lockFile).strip();
    assertTrue(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
    return pid;
  }

  private static void assertOneLineRefusal(JswarmProcess.Result r, String what, String pid) {
    assertNotEquals(0, r.exit(), r.all());
    List<String> lines = r.all().strip().lines().toList();
    assertEquals(1, lines.size(), "not one line: " + r.all());
    assertTrue(lines.get(0).contains(what) && lines.get(0).contains("pid " + pid), lines.get(0));
  }

  @Test
  void secondDaemonOnTheSameDataRootIsRefusedInOneLine() throws Exception {
    String pid = firstPid(first.dataRoot.resolve("daemon.lock"));
    JswarmProcess.Result r = second(first.dataRoot, other.resolve("s.sock"));
    assertOneLineRefusal(r, "data root " + first.dataRoot, pid);
    assertEquals(0, first.run("info").exit(), "the first daemon still answers");
  }

  @Test
  void secondDaemonOnTheSameSocketIsRefusedAndTheFirstKeepsIt() throws Exception {
    String pid = firstPid(first.socket.resolveSibling(first.socket.getFileName() + ".lock"));
    JswarmProcess.Result r = second(other.resolve("data"), first.socket);
    assertOneLineRefusal(r, "socket " + first.socket, pid);
    assertTrue(Files.exists(first.socket), "the socket was taken away");
    assertEquals(0, first.run("info").exit(), "the first daemon still answers");
  }
}
