package io.jswarm.worker.agent;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.SecretReference;
import io.jswarm.api.SecretValue;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the worker holds of secrets, without mounting anything (the mounts are SecretsIT's). */
class TaskSecretsTest {
  @TempDir Path dir;

  static Task task(String id, String... secretIds) {
    ContainerSpec.Builder c = ContainerSpec.newBuilder().setImage("busybox");
    for (String s : secretIds) c.addSecrets(SecretReference.newBuilder().setSecretId(s).setSecretName("n-" + s).setTarget("/run/secrets/n-" + s));
    return Task.newBuilder().setId(id).setSpec(TaskSpec.newBuilder().setContainer(c)).build();
  }

  static SecretValue value(String id) {
    return SecretValue.newBuilder().setId(id).setName("n-" + id).setData(ByteString.copyFromUtf8("v-" + id)).build();
  }

  @Test
  void valuesAreHeldOnlyWhileATaskNamesThem() {
    TaskSecrets s = new TaskSecrets(dir);
    s.received(List.of(value("a"), value("b")), List.of(task("t1", "a"), task("t2", "b")));
    assertEquals(2, s.held());
    s.received(List.of(), List.of(task("t1", "a")));
    assertEquals(1, s.held(), "t2 left: b is forgotten");
    s.received(List.of(value("c")), List.of(task("t3")));
    assertEquals(0, s.held(), "a value no task names is not kept");
  }

  @Test
  void aTaskWithoutSecretsGetsNoMountsAndAMissingValueRejectsTheTaskBeforeAnythingIsMounted() {
    TaskSecrets s = new TaskSecrets(dir.resolve("root"));
    assertEquals(List.of(), s.prepare(task("t0")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.prepare(task("t1", "a")));
    assertEquals("secret or config n-a was not delivered to this node", e.getMessage());
    assertFalse(dir.resolve("root").toFile().exists(), "nothing made");
  }

  @Test
  void eachDataRootHasItsOwnTmpfsRootOutsideIt() {
    Path a = TaskSecrets.rootFor(Path.of("/var/lib/jswarm"));
    assertEquals(a, TaskSecrets.rootFor(Path.of("/var/lib/jswarm/")));
    assertNotEquals(a, TaskSecrets.rootFor(Path.of("/srv/jswarm")));
    assertTrue(a.startsWith("/run/jswarm/secrets/"), a.toString());
  }
}
