package io.jswarm.manager;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Meta;
import io.jswarm.api.Node;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.api.ReplicatedService;
import io.jswarm.api.RestartPolicy;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.Task;
import io.jswarm.api.TaskSpec;
import io.jswarm.api.TaskState;
import io.jswarm.api.TaskStatus;

/** Builders for test objects. */
public final class Fixtures {
  private Fixtures() {}

  public static Service service(String id, long replicas, RestartPolicy.Condition restart) {
    return Service.newBuilder().setId(id).setSpecVersion(1)
        .setSpec(ServiceSpec.newBuilder().setName("svc-" + id)
            .setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))
            .setTask(TaskSpec.newBuilder()
                .setContainer(ContainerSpec.newBuilder().setImage("busybox@sha256:abc"))
                .setRestart(RestartPolicy.newBuilder().setCondition(restart).setDelayMs(0).setDelaySet(true))))
        .build();
  }

  public static Task task(Service s, long slot, TaskState observed, TaskState desired, String node, long created) {
    return Task.newBuilder().setId("t" + slot + "-" + created).setServiceId(s.getId()).setSlot(slot)
        .setSpecVersion(s.getSpecVersion()).setDesiredState(desired).setNodeId(node)
        .setMeta(Meta.newBuilder().setCreatedAtMs(created))
        .setStatus(TaskStatus.newBuilder().setState(observed)).build();
  }

  public static Node node(String id, NodeStatus.State state, NodeSpec.Availability availability) {
    return Node.newBuilder().setId(id)
        .setSpec(NodeSpec.newBuilder().setName("n-" + id).setAvailability(availability))
        .setStatus(NodeStatus.newBuilder().setState(state)).build();
  }
}
