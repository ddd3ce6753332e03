package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * /etc/hostname and /etc/hosts of a container, as Docker writes them: the hostname file always,
 * and, when the caller mounts no /etc/hosts of its own (the task's networking does, with the
 * task's address), one that maps the hostname to loopback, so that a program resolving its own
 * name finds it. Both live in the container's directory and go with it.
 */
final class HostFiles {
  private HostFiles() {}

  static ContainerConfig withHostFiles(ContainerConfig c, Path ctrDir) throws IOException {
    List<MountSpec> mounts = new ArrayList<>();
    if (!mounts(c, "/etc/hostname")) {
      Path f = ctrDir.resolve("hostname");
      Files.writeString(f, c.hostname() + "\n", StandardCharsets.UTF_8);
      mounts.add(new MountSpec(MountSpec.Kind.BIND, f.toString(), "/etc/hostname", false, 0));
    }
    if (!mounts(c, "/etc/hosts")) {
      Path f = ctrDir.resolve("hosts");
      Files.writeString(f, hosts(c.hostname()), StandardCharsets.UTF_8);
      mounts.add(new MountSpec(MountSpec.Kind.BIND, f.toString(), "/etc/hosts", false, 0));
    }
    if (mounts.isEmpty()) {
      return c;
    }
    mounts.addAll(c.mounts());
    return new ContainerConfig(c.id(), c.taskId(), c.image(), c.args(), c.env(), c.workingDir(), c.user(),
        c.hostname(), c.netnsPath(), c.labels(), c.limits(), mounts, c.security());
  }

  static String hosts(String hostname) {
    return "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t" + hostname + "\n";
  }

  private static boolean mounts(ContainerConfig c, String target) {
    return c.mounts().stream().anyMatch(m -> m.target().equals(target));
  }
}
