package io.jswarm.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.ContainerSecurity;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Ulimit;
import io.jswarm.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class SecurityFlagsTest {
  @Command(name = "create")
  static final class Create {
    @Mixin SecurityFlags flags = new SecurityFlags();
    @Mixin SecurityFlags.Create create = new SecurityFlags.Create();
  }

  @Command(name = "update")
  static final class Update {
    @Mixin SecurityFlags flags = new SecurityFlags();
    @Mixin SecurityFlags.Update update = new SecurityFlags.Update();
  }

  private static ContainerSecurity create(String... args) {
    Create c = new Create();
    new CommandLine(c).parseArgs(args);
    ContainerSpec.Builder spec = ContainerSpec.newBuilder();
    c.flags.apply(spec);
    c.create.apply(spec);
    return spec.getSecurity();
  }

  private static ContainerSecurity update(ContainerSecurity from, String... args) {
    Update u = new Update();
    new CommandLine(u).parseArgs(args);
    ContainerSpec.Builder spec = ContainerSpec.newBuilder().setSecurity(from);
    u.flags.apply(spec);
    u.update.apply(spec);
    return spec.getSecurity();
  }

  @Test
  void createFlagsHaveDockersMeaning(@TempDir Path dir) throws Exception {
    ContainerSecurity s = create("--cap-add", "net_admin,SYS_PTRACE", "--cap-drop", "CAP_NET_RAW", "--read-only", "--init",
        "--security-opt", "seccomp=unconfined", "--sysctl", "net.ipv4.ip_forward=1", "--ulimit", "nofile=1024:2048", "--ulimit", "nproc=64");
    assertEquals(List.of("CAP_NET_ADMIN", "CAP_SYS_PTRACE"), s.getCapAddList());
    assertEquals(List.of("CAP_NET_RAW"), s.getCapDropList());
    assertTrue(s.getReadOnlyRootfs() && s.getInit());
    assertEquals(ContainerSecurity.SeccompMode.SECCOMP_UNCONFINED, s.getSeccompMode());
    assertEquals(Map.of("net.ipv4.ip_forward", "1"), s.getSysctlsMap());
    assertEquals(List.of(Ulimit.newBuilder().setName("nofile").setSoft(1024).setHard(2048).build(),
        Ulimit.newBuilder().setName("nproc").setSoft(64).setHard(64).build()), s.getUlimitsList());
    assertEquals(ContainerSecurity.getDefaultInstance(), create(), "no flag, no change: Docker's defaults");

    Path profile = Files.writeString(dir.resolve("p.json"), "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
    ContainerSecurity custom = create("--security-opt", "seccomp=" + profile);
    assertEquals(ContainerSecurity.SeccompMode.SECCOMP_CUSTOM, custom.getSeccompMode());
    assertTrue(custom.getSeccompProfile().contains("SCMP_ACT_ALLOW"));
  }

  @Test
  void badValuesAreRefusedOnTheClient() {
    assertThrows(CliException.class, () -> create("--cap-add", "SYS_WHATEVER"));
    var e = assertThrows(CliException.class, () -> create("--sysctl", "kernel.panic=1"));
    assertTrue(e.getMessage().contains("not namespaced"), e.getMessage());
    assertThrows(CliException.class, () -> create("--ulimit", "nofile=10:5"));
    assertThrows(CliException.class, () -> create("--ulimit", "bogus=1"));
    assertThrows(CliException.class, () -> create("--security-opt", "apparmor=unconfined"));
    assertThrows(CliException.class, () -> create("--security-opt", "seccomp=/nonexistent/profile.json"));
  }

  @Test
  void updateAddsRemovesAndFlipsBack() {
    ContainerSecurity from = create("--cap-add", "SYS_ADMIN", "--read-only", "--sysctl", "net.core.somaxconn=1024", "--ulimit", "nofile=10");
    ContainerSecurity s = update(from, "--cap-drop", "SYS_ADMIN", "--read-only=false", "--sysctl-rm", "net.core.somaxconn",
        "--sysctl-add", "kernel.shmmax=65536", "--ulimit-rm", "nofile", "--security-opt", "seccomp=unconfined");
    assertEquals(List.of(), s.getCapAddList(), "--cap-drop takes it out of the adds, as Docker's service update does");
    assertEquals(List.of("CAP_SYS_ADMIN"), s.getCapDropList());
    assertTrue(!s.getReadOnlyRootfs());
    assertEquals(Map.of("kernel.shmmax", "65536"), s.getSysctlsMap());
    assertEquals(0, s.getUlimitsCount());
    assertEquals(ContainerSecurity.SeccompMode.SECCOMP_DEFAULT,
        update(s, "--security-opt", "seccomp=default").getSeccompMode());
    assertEquals(from, update(from), "no flag, no change");
  }
}
