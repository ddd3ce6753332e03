package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A secret reaches only the node that runs a task needing it (one manager, two workers): the
 * service is pinned to h2; h3's daemon never held the value anywhere in its heap (a dump of every
 * object, unreachable ones included, searched for the value's bytes), nor in any file under its
 * data root, nor on a tmpfs. The same dump of h2 finds it: the search would see it if it were
 * there. The assignment stream is the only way a value reaches a worker, so what it never held it
 * never received.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SecretsLabIT {
  static Lab lab;
  static final String VALUE = "lab-secret-" + UUID.randomUUID();

  @BeforeAll
  static void up() {
    lab = new Lab(SecretsLabIT.class);
    lab.up(1, 2);
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .filter(l -> l.contains("Ready")).count() == 3, "3 nodes Ready");
  }

  @AfterAll
  static void down() {
    if (lab != null) lab.close();
  }

  @Test
  void aNodeWithNoTaskForTheSecretNeverReceivesIt() throws Exception {
    Path file = lab.dir().resolve("secret-value.txt");
    Files.writeString(file, VALUE);
    lab.jswarmOk("h1", "secret", "create", "lab_pw", file.toString());
    Files.delete(file);
    lab.jswarmOk("h1", "node", "update", "--label-add", "secret=yes", lab.nodeName("h2"));
    lab.jswarmOk("h1", "service", "create", "--name", "pinned", "--detach", "--constraint", "node.labels.secret==yes",
        "--secret", "lab_pw", "--stop-grace-period", "0s", "busybox", "sh", "-c",
        "test -s /run/secrets/lab_pw && echo secret-read; sleep 3600");
    Lab.await(Duration.ofSeconds(90), () -> lab.jswarm("h1", "service", "logs", "pinned").all().contains("secret-read"),
        "the task on h2 read its secret");
    String ps = lab.jswarmOk("h1", "service", "ps", "pinned").out();
    assertTrue(ps.lines().anyMatch(l -> l.contains(lab.nodeName("h2")) && l.contains("Running")), ps);

    byte[] needle = VALUE.getBytes(StandardCharsets.UTF_8);
    assertTrue(heapHolds("h2", needle), "h2 runs the task and holds the value (the search works)");
    assertFalse(heapHolds("h3", needle), "h3 runs no task naming the secret, yet its daemon held the value");
    try (var walk = Files.walk(lab.dir().resolve("h3"))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        assertFalse(fileHolds(p, needle), "the value is in " + p);
      }
    }
    // the lab's hosts share one mount namespace: each daemon's tmpfs roots are its own directory
    assertTrue(tmpfsFiles("h2").stream().anyMatch(f -> holds(f, needle)), "h2's task has its file on a tmpfs");
    assertEquals(List.of(), tmpfsFiles("h3"), "h3 has no secret files at all");
    lab.jswarmOk("h1", "service", "rm", "pinned");
  }

  /** The files under HOST's tmpfs roots (the worker's TaskSecrets.rootFor its data root). */
  static List<Path> tmpfsFiles(String host) throws Exception {
    byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(lab.dir().resolve(host).resolve("data")
        .toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
    Path root = Path.of("/run/jswarm/secrets", java.util.HexFormat.of().formatHex(d, 0, 6));
    if (!Files.isDirectory(root)) return List.of();
    try (var walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  static boolean holds(Path f, byte[] needle) {
    try {
      return fileHolds(f, needle);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Dumps every object of HOST's daemon (unreachable ones too) and searches the dump. */
  static boolean heapHolds(String host, byte[] needle) throws Exception {
    String pid = Files.readString(lab.dir().resolve(host).resolve("daemon.pid")).trim();
    Path dump = Path.of("/tmp", "jswarm-secretslab-" + UUID.randomUUID() + ".hprof");
    try {
      Process p = new ProcessBuilder("jcmd", pid, "GC.heap_dump", "-all", dump.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("heap dump of " + host + " timed out");
      }
      assertEquals(0, p.exitValue(), "jcmd GC.heap_dump on " + host);
      return fileHolds(dump, needle);
    } finally {
      Files.deleteIfExists(dump);
    }
  }

  /** Whether the file contains the bytes, read in chunks (heap dumps are large). */
  static boolean fileHolds(Path file, byte[] needle) throws IOException {
    byte[] buf = new byte[1 << 20];
    int carry = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.readNBytes(buf, carry, buf.length - carry)) > 0) {
        int len = carry + n;
        if (indexOf(buf, len, needle) >= 0) return true;
        carry = Math.min(needle.length - 1, len);
        System.arraycopy(buf, len - carry, buf, 0, carry);
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      return false; // removed while walking
    }
    return false;
  }

  static int indexOf(byte[] hay, int len, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= len; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
