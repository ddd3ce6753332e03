package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciSpecTest {
  private static List<String> texts(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.isTextual() ? x.asText() : x.path("type").asText()));
    return out;
  }

  @Test
  void specHasArgsEnvNamespacesMountsAndCgroup() {
    ContainerConfig c = new ContainerConfig("abc123", "t1", "img", List.of("sh", "-c", "echo hi"),
        List.of("FOO=bar"), "/work", "", "web", "", Map.of("k", "v"));
    JsonNode s = OciSpec.generate(c, new UserSpec(1000, 100, List.of()), "/jswarm-n1/abc123");
    JsonNode p = s.path("process");
    assertEquals(List.of("sh", "-c", "echo hi"), texts(p.path("args")));
    List<String> env = texts(p.path("env"));
    assertTrue(env.contains("FOO=bar"));
    assertTrue(env.stream().anyMatch(e -> e.startsWith("PATH=")));
    assertTrue(env.contains("HOSTNAME=web"));
    assertEquals("/work", p.path("cwd").asText());
    assertEquals(1000, p.path("user").path("uid").asInt());
    assertEquals(100, p.path("user").path("gid").asInt());
    assertFalse(p.path("noNewPrivileges").asBoolean());
    assertTrue(texts(p.path("capabilities").path("bounding")).contains("CAP_NET_BIND_SERVICE"));
    assertFalse(texts(p.path("capabilities").path("bounding")).contains("CAP_SYS_ADMIN"));
    assertEquals("web", s.path("hostname").asText());
    assertEquals("rootfs", s.path("root").path("path").asText());
    assertEquals("/jswarm-n1/abc123", s.path("linux").path("cgroupsPath").asText());
    assertEquals(List.of("pid", "mount", "ipc", "uts", "network"), texts(s.path("linux").path("namespaces")));
    assertTrue(s.path("linux").path("namespaces").get(4).path("path").isMissingNode());
    List<String> dests = new ArrayList<>();
    s.path("mounts").forEach(m -> dests.add(m.path("destination").asText()));
    assertTrue(dests.containsAll(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys")));
    s.path("mounts").forEach(m -> {
      if (m.path("destination").asText().equals("/sys")) {
        assertTrue(texts(m.path("options")).contains("ro"));
      }
    });
    assertEquals("v", s.path("annotations").path("k").asText());
  }

  @Test
  void netnsPathJoinsThatNamespace() {
    ContainerConfig c = new ContainerConfig("abc", "", "img", List.of("true"), List.of(), "", "", "", "/var/run/netns/x",
        Map.of());
    JsonNode ns = OciSpec.generate(c, new UserSpec(0, 0, List.of()), "/jswarm-n/abc").path("linux").path("namespaces");
    assertEquals("/var/run/netns/x", ns.get(4).path("path").asText());
    assertEquals("abc", OciSpec.generate(c, new UserSpec(0, 0, List.of()), "/x").path("hostname").asText());
  }

  @Test
  void limitsBecomeCgroupResources() {
    ContainerConfig c = new ContainerConfig("abc", "", "img", List.of("true"), List.of(), "", "", "", "", Map.of(),
        new ResourceLimits(1_500_000_000L, 16L << 20, 64), List.of());
    JsonNode res = OciSpec.generate(c, new UserSpec(0, 0, List.of()), "/x").path("linux").path("resources");
    assertEquals(16L << 20, res.path("memory").path("limit").asLong());
    assertEquals(16L << 20, res.path("memory").path("swap").asLong());
    assertEquals(150_000, res.path("cpu").path("quota").asLong());
    assertEquals(100_000, res.path("cpu").path("period").asLong());
    assertEquals(64, res.path("pids").path("limit").asLong());
    ContainerConfig none = new ContainerConfig("abc", "", "img", List.of("true"), List.of(), "", "", "", "", Map.of());
    JsonNode r2 = OciSpec.generate(none, new UserSpec(0, 0, List.of()), "/x").path("linux").path("resources");
    assertTrue(r2.path("memory").isMissingNode() && r2.path("cpu").isMissingNode() && r2.path("pids").isMissingNode());
  }

  @Test
  void mountsFollowTheStandardOnes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
    ContainerConfig c = new ContainerConfig("abc", "", "img", List.of("true"), List.of(), "", "", "", "", Map.of(),
        ResourceLimits.NONE, List.of(new MountSpec(MountSpec.Kind.BIND, root.toString(), "/data", true, 0),
            new MountSpec(MountSpec.Kind.VOLUME, "cache", "/cache", false, 0),
            new MountSpec(MountSpec.Kind.TMPFS, "", "/scratch", false, 1 << 20)));
    ContainerConfig resolved = new Volumes(root.resolve("volumes")).resolve(c);
    assertTrue(java.nio.file.Files.isDirectory(root.resolve("volumes/cache/_data")), "volume made on first use");
    JsonNode ms = OciSpec.generate(resolved, new UserSpec(0, 0, List.of()), "/x").path("mounts");
    JsonNode bind = ms.get(ms.size() - 3), vol = ms.get(ms.size() - 2), tmp = ms.get(ms.size() - 1);
    assertEquals("/data", bind.path("destination").asText());
    assertEquals(root.toString(), bind.path("source").asText());
    assertEquals("[\"rbind\",\"rprivate\",\"ro\"]", bind.path("options").toString());
    assertEquals(root.resolve("volumes/cache/_data").toString(), vol.path("source").asText());
    assertEquals("bind", vol.path("type").asText());
    assertEquals("tmpfs", tmp.path("type").asText());
    assertTrue(tmp.path("options").toString().contains("size=1048576"));
    ContainerConfig missing = new ContainerConfig("abc", "", "img", List.of("true"), List.of(), "", "", "", "", Map.of(),
        ResourceLimits.NONE, List.of(new MountSpec(MountSpec.Kind.BIND, "/no/such/dir", "/d", false, 0)));
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Volumes(root.resolve("volumes")).resolve(missing));
    assertEquals("invalid mount config: bind source path does not exist: /no/such/dir", e.getMessage());
  }

  @Test
  void oomKillIsReadFromTheMemoryCgroup(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
    java.nio.file.Path cg = java.nio.file.Files.createDirectories(root.resolve("memory/jswarm-n/a"));
    java.nio.file.Files.writeString(cg.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    assertTrue(OomCheck.oomKilled(root, "/jswarm-n/a", 137));
    java.nio.file.Files.writeString(cg.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    assertFalse(OomCheck.oomKilled(root, "/jswarm-n/a", 137));
    java.nio.file.Files.writeString(cg.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
    java.nio.file.Files.writeString(cg.resolve("memory.failcnt"), "12\n");
    assertTrue(OomCheck.oomKilled(root, "/jswarm-n/a", 137), "old kernels: SIGKILL + failcnt");
    assertFalse(OomCheck.oomKilled(root, "/jswarm-n/a", 1));
  }

  @Test
  void cgroupParentIsSanitizedNodeName() {
    assertEquals("/jswarm-node_1", OciSpec.cgroupParent("node/1"));
  }

  @Test
  void userIsResolvedFromRootfs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path rootfs) throws Exception {
    java.nio.file.Files.createDirectories(rootfs.resolve("etc"));
    java.nio.file.Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/:/bin/sh\napp:x:1000:1001::/:/bin/sh\n");
    java.nio.file.Files.writeString(rootfs.resolve("etc/group"), "staff:x:50:\n");
    assertEquals(new UserSpec(1000, 1001, List.of()), UserSpec.resolve("app", rootfs));
    assertEquals(new UserSpec(1000, 50, List.of()), UserSpec.resolve("app:staff", rootfs));
    assertEquals(new UserSpec(42, 7, List.of()), UserSpec.resolve("42:7", rootfs));
    assertEquals(new UserSpec(0, 0, List.of()), UserSpec.resolve("", rootfs));
    org.junit.jupiter.api.Assertions.assertThrows(EngineException.class, () -> UserSpec.resolve("nobody", rootfs));
  }
}
