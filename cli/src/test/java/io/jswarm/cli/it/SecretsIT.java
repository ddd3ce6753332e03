package io.jswarm.cli.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secrets and configs on a real daemon with runc: a service reads its secret at
 * /run/secrets/NAME with the owner and mode it asked for, read-only, and its config at its
 * target; `secret rm` is refused while the service uses it; `secret rotate` rolls the service
 * onto the new value and the old task's tmpfs goes; and neither value is in any file under the
 * data root, in the daemon's log, or in inspect output. The container prints digests of what it
 * read, never the value (its log is under the data root too).
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class SecretsIT {
  static JswarmProcess js;
  static Path secretsRoot;
  static final String VALUE = "v1-" + UUID.randomUUID();
  static final String VALUE2 = "v2-" + UUID.randomUUID();

  @BeforeAll
  static void up() throws Exception {
    js = JswarmProcess.swarmWithBusybox("secrets");
    secretsRoot = tmpfsRoot(js.dataRoot);
  }

  @AfterAll
  static void down() throws Exception {
    if (js == null) return;
    try {
      js.tearDown();
    } finally {
      // a daemon that died mid-test leaves its tasks' tmpfs mounts: they go too
      if (Files.isDirectory(secretsRoot)) {
        for (String m : Host.mountsUnder(secretsRoot)) JswarmProcess.exec(List.of("umount", "-l", m), Duration.ofSeconds(30));
        Cleanup.deleteTree(secretsRoot);
      }
    }
  }

  /** Where the worker mounts its tasks' tmpfs (TaskSecrets.rootFor). */
  static Path tmpfsRoot(Path dataRoot) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(dataRoot.toAbsolutePath().normalize().toString()
        .getBytes(StandardCharsets.UTF_8));
    return Path.of("/run/jswarm/secrets", HexFormat.of().formatHex(d, 0, 6));
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  static String logs() {
    return js.run("service", "logs", "reader").all();
  }

  @Test
  void aServiceReadsItsSecretAndTheValueIsNowhereElse() throws Exception {
    Path v1 = js.dir.resolve("v1.txt");
    Files.writeString(v1, VALUE);
    Path conf = js.dir.resolve("app.conf");
    Files.writeString(conf, "listen=8080\n");
    String id = js.ok("secret", "create", "--label", "team=it", "app_pw", v1.toString()).out().trim();
    js.ok("config", "create", "app_conf", conf.toString());
    assertTrue(js.ok("secret", "--help").out().contains("rotate"));
    assertTrue(js.ok("secret", "ls").out().contains("app_pw"));
    assertTrue(js.ok("secret", "ls", "--format", "json").out().contains(id));
    String inspect = js.ok("secret", "inspect", "app_pw").out();
    assertTrue(inspect.contains("team") && !inspect.contains(VALUE), inspect);
    // bad input changes nothing
    assertNotEquals(0, js.run("secret", "create", "app_pw", v1.toString()).exit(), "a name in use");
    assertNotEquals(0, js.run("secret", "create", "bad/name", v1.toString()).exit());
    Path big = js.dir.resolve("big");
    Files.write(big, new byte[500 * 1024 + 1]);
    assertTrue(js.run("secret", "create", "big", big.toString()).all().contains("500 KiB"));
    assertEquals(1, js.ok("secret", "ls", "-q").out().lines().count());

    js.ok("service", "create", "--name", "reader", "--detach", "--stop-grace-period", "0s",
        "--secret", "source=app_pw,mode=0400,uid=1000,gid=100", "--secret", "app_pw,target=copy",
        "--config", "source=app_conf,target=/etc/app.conf",
        "busybox:it", "sh", "-c",
        "echo mode=$(busybox stat -c '%a:%u:%g' /run/secrets/app_pw) copy=$(busybox stat -c '%a' /run/secrets/copy); "
            + "echo sha=$(busybox sha256sum /run/secrets/app_pw | busybox cut -c1-64); "
            + "(echo x > /run/secrets/app_pw) 2>/dev/null || echo readonly=yes; "
            + "echo conf=$(cat /etc/app.conf); sleep 3600");
    String sha1 = sha256(VALUE);
    JswarmProcess.await(Duration.ofSeconds(60), () -> logs().contains("sha=" + sha1), "the task read its secret");
    String l = logs();
    assertTrue(l.contains("mode=400:1000:100 copy=444"), l);
    assertTrue(l.contains("readonly=yes") && l.contains("conf=listen=8080"), l);
    assertTrue(js.ok("service", "inspect", "reader").out().contains("/run/secrets/app_pw"));

    // removal refused while in use, and nothing changed
    JswarmProcess.Result rm = js.run("secret", "rm", "app_pw");
    assertNotEquals(0, rm.exit());
    assertTrue(rm.all().contains("in use by service reader"), rm.all());
    assertEquals(1, js.ok("secret", "ls", "-q").out().lines().count());
    assertNotEquals(0, js.run("config", "rm", "app_conf").exit());

    String oldTask = onlyTaskDir();

    // rotation: the next version, and the service rolls onto it
    Path v2 = js.dir.resolve("v2.txt");
    Files.writeString(v2, VALUE2);
    String id2 = js.ok("secret", "rotate", "app_pw", v2.toString()).out().trim();
    assertNotEquals(id, id2);
    String sha2 = sha256(VALUE2);
    JswarmProcess.await(Duration.ofSeconds(60), () -> logs().contains("sha=" + sha2)
        && Host.runningRuncContainers(js.runcRoot()).size() == 1 && !Files.exists(secretsRoot.resolve(oldTask)),
        "the service rolled onto version 2 and the old task's tmpfs went");
    assertTrue(js.ok("service", "inspect", "reader").out().contains(id2));
    assertTrue(js.ok("secret", "ls").out().lines().anyMatch(x -> x.contains("app_pw") && x.contains(" 2 ")));
    // the log keeps every entry ever written, so one look after both values went in covers both
    assertValuesNowhere(VALUE, VALUE2);

    // once the service is gone its tmpfs is too, and the secret can go
    js.ok("service", "rm", "reader");
    JswarmProcess.await(Duration.ofSeconds(60), () -> Host.runcContainers(js.runcRoot()).isEmpty() && taskDirs().isEmpty(),
        "the task and its tmpfs gone");
    js.ok("secret", "rm", "app_pw");
    js.ok("config", "rm", "app_conf");
    assertEquals("", js.ok("secret", "ls", "-q").out().trim());
  }

  static List<String> taskDirs() {
    if (!Files.isDirectory(secretsRoot)) return List.of();
    try (var s = Files.list(secretsRoot)) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String onlyTaskDir() throws Exception {
    List<String> dirs = taskDirs();
    assertEquals(1, dirs.size(), "one task's tmpfs: " + dirs);
    assertTrue(Host.mountsUnder(secretsRoot).size() == 1, "it is a mount");
    return dirs.get(0);
  }

  /** Every regular file under the data root (Raft log, snapshots, bundles, logs), the daemon's log, and inspect. */
  static void assertValuesNowhere(String... values) throws Exception {
    List<byte[]> needles = java.util.Arrays.stream(values).map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
    List<Path> files;
    try (var walk = Files.walk(js.dataRoot)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() > 10, "the data root has files: " + files.size());
    for (Path p : files) {
      byte[] hay;
      try {
        hay = Files.readAllBytes(p);
      } catch (java.io.IOException gone) {
        continue; // removed while walking
      }
      for (byte[] needle : needles) assertFalse(contains(hay, needle), "a plaintext value is in " + p);
    }
    byte[] log = Files.readAllBytes(js.dir.resolve("daemon.log"));
    for (byte[] needle : needles) assertFalse(contains(log, needle), "a value is in the daemon's log");
    List<String> cmd = new java.util.ArrayList<>(List.of("secret", "inspect"));
    cmd.addAll(js.ok("secret", "ls", "-q").out().lines().map(String::trim).toList()); // every version
    String inspected = js.ok(cmd.toArray(String[]::new)).out() + js.ok("service", "inspect", "reader").out();
    for (String v : values) assertFalse(inspected.contains(v), "inspect shows a value: " + inspected);
  }

  static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }
}
