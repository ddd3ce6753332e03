package io.jswarm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball the build made installs into a scratch root with its own install.sh, runs
 * {@code jswarm version} from there with no JDK anywhere on PATH (its jlink'ed runtime), keeps the
 * CLI's class-data archive in the cache dir, carries a unit that {@code systemd-analyze verify}
 * accepts, and {@code --uninstall --purge} takes every file away again. About 15 s; no systemd,
 * no network (the VM-like hosts test is VmSmokeIT, opt-in).
 */
@Timeout(300)
class ReleaseInstallIT {
  static final Path TARGET = Path.of("target").toAbsolutePath();
  static Path tarball;

  @BeforeAll
  static void findTarball() throws IOException {
    try (Stream<Path> s = Files.list(TARGET)) {
      tarball = s.filter(p -> p.getFileName().toString().matches("jswarm-.+-linux-amd64\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no release tarball in " + TARGET + " (package builds it)"));
    }
  }

  @Test
  void installsIntoAScratchRootRunsWithoutAJdkAndUninstallsCleanly(@TempDir Path tmp) throws Exception {
    Sh x = Sh.run(tmp, null, 60, "tar", "-xzf", tarball.toString(), "-C", tmp.toString(), "--wildcards", "*/install.sh");
    assertEquals(0, x.exit(), x.out());
    Path installer;
    try (Stream<Path> s = Files.list(tmp)) {
      installer = s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("install.sh");
    }
    Path root = tmp.resolve("root");
    Sh in = Sh.run(tmp, null, 120, installer.toString(), "--root", root.toString(), tarball.toString());
    assertEquals(0, in.exit(), in.out());
    for (String p : List.of("usr/lib/jswarm/runtime/bin/java", "usr/lib/jswarm/jswarm-cli.jar", "usr/lib/jswarm/bin/jswarm",
        "usr/lib/jswarm/libexec/jswarm-ready", "usr/lib/jswarm/docs/install.md", "usr/bin/jswarm",
        "lib/systemd/system/jswarm.service", "etc/jswarm/daemon.json", "var/lib/jswarm")) {
      assertTrue(Files.exists(root.resolve(p)), p + " missing after the install: " + in.out());
    }

    // PATH holds only the few tools bin/jswarm uses, none of them java; no JAVA_HOME.
    Path bin = Files.createDirectory(tmp.resolve("bin"));
    for (String tool : List.of("bash", "dirname", "readlink", "cksum", "cut", "mkdir", "find", "mv", "rm", "printf")) {
      Path real = Stream.of("/usr/bin/", "/bin/").map(d -> Path.of(d + tool)).filter(Files::isExecutable).findFirst()
          .orElseThrow(() -> new AssertionError("no " + tool));
      Files.createSymbolicLink(bin.resolve(tool), real);
    }
    Path home = Files.createDirectory(tmp.resolve("home"));
    Map<String, String> env = Map.of("PATH", bin.toString(), "HOME", home.toString());
    Sh v = Sh.run(tmp, env, 60, root.resolve("usr/bin/jswarm").toString(), "version");
    assertEquals(0, v.exit(), v.out());
    assertTrue(v.out().startsWith("jswarm version "), v.out());
    try (Stream<Path> s = Files.list(home.resolve(".cache/jswarm"))) {
      assertTrue(s.anyMatch(p -> p.toString().endsWith(".jsa")), "the CDS archive is in the cache dir");
    }
    try (Stream<Path> s = Files.walk(root.resolve("usr/lib/jswarm"))) {
      assertFalse(s.anyMatch(p -> p.toString().endsWith(".jsa") && !p.toString().contains("/runtime/")),
          "no archive next to the jars");
    }

    // The shipped unit, its paths mapped into the scratch root, passes systemd-analyze verify.
    String unit = Files.readString(root.resolve("lib/systemd/system/jswarm.service"))
        .replace("/usr/bin/jswarm", root.resolve("usr/bin/jswarm").toString())
        .replace("/usr/lib/jswarm/", root.resolve("usr/lib/jswarm") + "/");
    Path unitFile = Files.writeString(Files.createDirectory(tmp.resolve("units")).resolve("jswarm.service"), unit);
    Sh verify = Sh.run(tmp, null, 60, "systemd-analyze", "verify", unitFile.toString());
    assertEquals(0, verify.exit(), "systemd-analyze verify: " + verify.out());
    assertEquals("", verify.out().strip(), "no warnings from systemd-analyze verify");

    Sh un = Sh.run(tmp, null, 60, installer.toString(), "--root", root.toString(), "--uninstall", "--purge");
    assertEquals(0, un.exit(), un.out());
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> files = s.filter(p -> !Files.isDirectory(p)).toList();
      assertEquals(List.of(), files, "files left after --uninstall --purge");
    }
    for (String p : List.of("usr/lib/jswarm", "etc/jswarm", "var/lib/jswarm")) assertFalse(Files.exists(root.resolve(p)), p);
  }

  @Test
  void badInputChangesNothing(@TempDir Path tmp) throws Exception {
    Path installer = Path.of("files/install.sh").toAbsolutePath();
    Path root = tmp.resolve("root");
    Path notARelease = Files.writeString(tmp.resolve("x.tar.gz"), "not a tarball");
    Sh bad = Sh.run(tmp, null, 60, installer.toString(), "--root", root.toString(), notARelease.toString());
    assertEquals(1, bad.exit(), bad.out());
    assertTrue(bad.out().contains("cannot unpack"), bad.out());
    Sh missing = Sh.run(tmp, null, 60, installer.toString(), "--root", root.toString(), tmp.resolve("none.tar.gz").toString());
    assertTrue(missing.out().contains("no such file"), missing.out());
    Sh opt = Sh.run(tmp, null, 60, installer.toString(), "--frobnicate");
    assertTrue(opt.out().contains("unknown option --frobnicate"), opt.out());
    assertFalse(Files.exists(root.resolve("usr")), "nothing installed");
  }
}
