package io.jswarm.cli.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the machine shows: runc containers, mounts, cgroups, processes. Used to check leftovers. */
final class Host {
  private Host() {}

  static List<String> runcContainers(Path runcRoot) {
    var r = JswarmProcess.exec(List.of("runc", "--root", runcRoot.toString(), "list", "-q"), Duration.ofSeconds(30));
    List<String> ids = new ArrayList<>();
    for (String l : r.out().split("\n")) if (!l.isBlank()) ids.add(l.trim());
    return ids;
  }

  static List<String> runningRuncContainers(Path runcRoot) {
    var r = JswarmProcess.exec(List.of("runc", "--root", runcRoot.toString(), "list"), Duration.ofSeconds(30));
    List<String> ids = new ArrayList<>();
    for (String l : r.out().split("\n")) {
      String[] f = l.trim().split("\\s+");
      if (f.length >= 3 && f[2].equals("running")) ids.add(f[0]);
    }
    return ids;
  }

  /**
   * Polls the running containers until {@code stop} is set (e.g. during an update): the fewest
   * and the most seen. runc list fails while a container's state is being written: such
   * readings are skipped.
   */
  static int[] runningMinMax(Path runcRoot, java.util.concurrent.atomic.AtomicBoolean stop) {
    int[] mm = {Integer.MAX_VALUE, 0};
    while (!stop.get()) {
      var r = JswarmProcess.exec(List.of("runc", "--root", runcRoot.toString(), "list"), Duration.ofSeconds(30));
      if (r.exit() != 0) continue;
      int n = (int) r.out().lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 3 && f[2].equals("running")).count();
      mm[0] = Math.min(mm[0], n);
      mm[1] = Math.max(mm[1], n);
    }
    return mm;
  }

  static int pidOf(Path runcRoot, String id) {
    var r = JswarmProcess.exec(List.of("runc", "--root", runcRoot.toString(), "state", id), Duration.ofSeconds(30));
    Matcher m = Pattern.compile("\"pid\":\\s*(\\d+)").matcher(r.out());
    if (!m.find()) throw new AssertionError("no pid for " + id + ": " + r.all());
    return Integer.parseInt(m.group(1));
  }

  static List<String> mountsUnder(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = l.split(" ");
      if (f.length > 4 && f[4].startsWith(dir.toString())) out.add(f[4]);
    }
    return out;
  }

  /** Container cgroup directories left under this node's cgroup parent, in any controller. */
  static List<Path> cgroupsOf(String nodeName) throws IOException {
    List<Path> out = new ArrayList<>();
    Path root = Path.of("/sys/fs/cgroup");
    try (var ctrls = Files.list(root)) {
      for (Path c : ctrls.toList()) {
        Path parent = c.resolve("jswarm-" + nodeName);
        if (!Files.isDirectory(parent)) continue;
        try (var kids = Files.list(parent)) {
          kids.filter(Files::isDirectory).forEach(out::add);
        }
      }
    }
    return out;
  }

  /** A rootfs tar made of the static busybox binary and its applet links. */
  static Path busyboxRootfs(Path dir) throws IOException {
    Path root = dir.resolve("rootfs");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("tmp"));
    Files.createDirectories(root.resolve("etc"));
    Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
    for (String applet : List.of("sh", "sleep", "echo", "cat", "ls", "hostname", "true", "false", "env", "wget", "httpd")) {
      Files.createSymbolicLink(root.resolve("bin/" + applet), Path.of("busybox"));
    }
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
    Path tar = dir.resolve("busybox.tar");
    var r = JswarmProcess.exec(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."), Duration.ofSeconds(60));
    if (r.exit() != 0) throw new IOException("tar failed: " + r.all());
    return tar;
  }
}
