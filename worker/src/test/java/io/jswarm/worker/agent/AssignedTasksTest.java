package io.jswarm.worker.agent;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Assignments;
import io.jswarm.api.NetworkEndpoint;
import io.jswarm.api.NetworkState;
import io.jswarm.api.NetworkView;
import io.jswarm.api.Network;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's folding of the dispatcher's complete sets and changes into whole states. Pure, milliseconds. */
class AssignedTasksTest {
  @Test
  void changesApplyToTheCompleteSetAndANewSessionWaitsForItsOwn() {
    AssignedTasks book = new AssignedTasks();
    assertTrue(book.apply(changes(List.of(task("x", TaskState.RUNNING)), List.of())).isEmpty(), "nothing to apply to yet");
    assertEquals(List.of("a", "b"), ids(book.apply(complete(task("a", TaskState.RUNNING), task("b", TaskState.RUNNING))).orElseThrow()));
    assertEquals(List.of("a", "b", "c"), ids(book.apply(changes(List.of(task("c", TaskState.RUNNING)), List.of())).orElseThrow()));
    List<Task> after = book.apply(changes(List.of(task("a", TaskState.SHUTDOWN)), List.of("b"))).orElseThrow();
    assertEquals(List.of("a", "c"), ids(after));
    assertEquals(TaskState.SHUTDOWN, after.get(0).getDesiredState());

    // cut off: a new session; its changes wait for its complete set, which alone says what stops
    book.sessionStarted();
    assertTrue(book.apply(changes(List.of(task("d", TaskState.RUNNING)), List.of())).isEmpty());
    assertEquals(List.of("c", "e"), ids(book.apply(complete(task("c", TaskState.RUNNING), task("e", TaskState.RUNNING))).orElseThrow()));
  }

  @Test
  void networkDeltasFoldIntoTheWholeState() {
    NetworkStateBook book = new NetworkStateBook();
    Network n1 = Network.newBuilder().setId("n1").setVni(4097).build();
    NetworkState first = NetworkState.newBuilder().addNetworks(NetworkView.newBuilder().setNetwork(n1).setComplete(true)
        .addEndpoints(ep("t1", "10.0.0.2")).addEndpoints(ep("t2", "10.0.0.3"))).build();
    assertEquals(2, book.apply(first).orElseThrow().getNetworks(0).getEndpointsCount());
    NetworkState delta = NetworkState.newBuilder().setType(NetworkState.Type.INCREMENTAL)
        .addNetworks(NetworkView.newBuilder().setNetwork(n1).addEndpoints(ep("t3", "10.0.0.4")).addRemovedEndpoints("t1")).build();
    NetworkState whole = book.apply(delta).orElseThrow();
    assertEquals(List.of("10.0.0.3", "10.0.0.4"), whole.getNetworks(0).getEndpointsList().stream().map(NetworkEndpoint::getIp).toList());
    NetworkState left = book.apply(NetworkState.newBuilder().setType(NetworkState.Type.INCREMENTAL).addRemovedNetworks("n1").build()).orElseThrow();
    assertEquals(0, left.getNetworksCount());
  }

  private static NetworkEndpoint ep(String task, String ip) {
    return NetworkEndpoint.newBuilder().setTaskId(task).setNodeId("x").setHostAddr("192.168.0.9").setIp(ip).build();
  }

  private static Task task(String id, TaskState desired) {
    return Task.newBuilder().setId(id).setDesiredState(desired).build();
  }

  private static Assignments complete(Task... tasks) {
    return Assignments.newBuilder().addAllTasks(List.of(tasks)).build(); // COMPLETE is the default, as before changes existed
  }

  private static Assignments changes(List<Task> tasks, List<String> removed) {
    return Assignments.newBuilder().setType(Assignments.Type.INCREMENTAL).addAllTasks(tasks).addAllRemoved(removed).build();
  }

  private static List<String> ids(List<Task> ts) {
    return ts.stream().map(Task::getId).toList();
  }
}
