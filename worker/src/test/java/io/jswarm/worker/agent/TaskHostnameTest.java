package io.jswarm.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskHostnameTest {
  private static Task task(String hostname) {
    return Task.newBuilder().setId("abcdefghijklmnopqrstuvwxy").setServiceId("svc1").setServiceName("web").setSlot(3)
        .setNodeId("node9").setSpec(TaskSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setImage("busybox")
            .setHostname(hostname))).build();
  }

  @Test
  void defaultIsTheTaskIdsFirstTwelveCharacters() {
    assertEquals("abcdefghijkl", TaskHostname.of(task(""), "h1"));
  }

  @Test
  void dockersPlaceholdersExpand() {
    assertEquals("web-3-h1", TaskHostname.of(task("{{.Service.Name}}-{{.Task.Slot}}-{{ .Node.Hostname }}"), "h1"));
    assertEquals("node9.svc1", TaskHostname.of(task("{{.Node.ID}}.{{.Service.ID}}"), "h1"));
  }

  @Test
  void unknownPlaceholderOrInvalidResultIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> TaskHostname.of(task("{{.Service.Labels}}"), "h1"));
    assertThrows(IllegalArgumentException.class, () -> TaskHostname.of(task("a b"), "h1"));
  }

  @Test
  void theResolvedTaskGivesHostsAndContainerTheSameName() {
    Task t = TaskHostname.resolved(task("{{.Service.Name}}-{{.Task.Slot}}"), "h1");
    assertEquals("web-3", t.getSpec().getContainer().getHostname());
    assertEquals("web-3", TaskContainers.config(t, new io.jswarm.worker.engine.Image("sha256:x", List.of(), List.of(),
        List.of(), List.of("sh"), "/", "", List.of(), 0, 0)).hostname());
  }

  @Test
  void aPinnedTaskRunsByNameOnlyInASwarmWithoutRegistry() {
    Task pinned = task("").toBuilder().setImageDigest("sha256:" + "0".repeat(64)).build();
    assertTrue(TaskContainers.mayRunByName(pinned, List.of()));
    assertEquals(false, TaskContainers.mayRunByName(pinned, List.of("10.0.0.1:5000")));
    assertTrue(TaskContainers.missingImage(pinned, "n1").contains("not run in its place"));
    assertTrue(TaskContainers.mayRunByName(task(""), List.of("10.0.0.1:5000")));
  }
}
