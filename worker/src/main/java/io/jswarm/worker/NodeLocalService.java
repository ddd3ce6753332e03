package io.jswarm.worker;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ContainerInfo;
import io.jswarm.api.ContainerRef;
import io.jswarm.api.ListContainersRequest;
import io.jswarm.api.ListContainersResponse;
import io.jswarm.api.ListVolumesRequest;
import io.jswarm.api.ListVolumesResponse;
import io.jswarm.api.NodeLocalGrpc;
import io.jswarm.api.VolumeInfo;
import io.jswarm.api.VolumeRef;
import io.jswarm.worker.engine.Container;
import io.jswarm.worker.engine.ContainerState;
import io.jswarm.worker.engine.LocalEngine;
import io.jswarm.worker.engine.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The NodeLocal gRPC service (local.proto): this node's containers (ls, inspect, pause,
 * unpause) and named volumes (create, ls, inspect, rm). Errors map as in {@link EngineService}.
 */
public final class NodeLocalService extends NodeLocalGrpc.NodeLocalImplBase {
  private final LocalEngine engine;

  public NodeLocalService(LocalEngine engine) {
    this.engine = engine;
  }

  private static <T> void unary(StreamObserver<T> out, Callable<T> call) {
    try {
      out.onNext(call.call());
      out.onCompleted();
    } catch (Exception e) {
      out.onError(EngineService.toStatus(e));
    }
  }

  private Container resolve(String ref) {
    List<Container> all = engine.list();
    for (Container c : all) if (c.id().equals(ref)) return c;
    List<Container> matches = all.stream().filter(c -> !ref.isEmpty() && c.id().startsWith(ref)).toList();
    if (matches.size() == 1) return matches.get(0);
    if (matches.isEmpty()) throw new NotFoundException("no such container: " + ref);
    throw Status.INVALID_ARGUMENT.withDescription("container prefix " + ref + " is ambiguous").asRuntimeException();
  }

  private ContainerInfo info(Container c) {
    ContainerState st = engine.state(c.id());
    return ContainerInfo.newBuilder().setId(c.id()).setTaskId(c.taskId()).setImageId(c.imageId())
        .setCreatedMs(c.createdMs()).setStatus(engine.runcStatus(c.id())).setPid(st.pid()).setExitCode(st.exitCode())
        .putAllLabels(c.labels()).setHealth(engine.health(c.id())).build();
  }

  @Override
  public void listContainers(ListContainersRequest req, StreamObserver<ListContainersResponse> out) {
    unary(out, () -> {
      ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
      for (Container c : engine.list()) {
        try {
          ContainerInfo i = info(c);
          if (req.getAll() || !i.getStatus().equals("stopped")) b.addContainers(i);
        } catch (NotFoundException gone) {
          // removed meanwhile
        }
      }
      return b.build();
    });
  }

  @Override
  public void inspectContainer(ContainerRef req, StreamObserver<ContainerInfo> out) {
    unary(out, () -> info(resolve(req.getRef())));
  }

  @Override
  public void pauseContainer(ContainerRef req, StreamObserver<ContainerInfo> out) {
    unary(out, () -> {
      Container c = resolve(req.getRef());
      engine.pause(c.id(), true);
      return info(c);
    });
  }

  @Override
  public void unpauseContainer(ContainerRef req, StreamObserver<ContainerInfo> out) {
    unary(out, () -> {
      Container c = resolve(req.getRef());
      engine.pause(c.id(), false);
      return info(c);
    });
  }

  private VolumeInfo volume(String name, Path dir) throws java.io.IOException {
    return VolumeInfo.newBuilder().setName(name).setMountpoint(dir.toString())
        .setCreatedMs(Files.getLastModifiedTime(dir.getParent()).toMillis()).addAllUsedBy(engine.usersOf(dir)).build();
  }

  @Override
  public void createVolume(VolumeRef req, StreamObserver<VolumeInfo> out) {
    unary(out, () -> volume(req.getName(), engine.volumes().resolve(req.getName())));
  }

  @Override
  public void listVolumes(ListVolumesRequest req, StreamObserver<ListVolumesResponse> out) {
    unary(out, () -> {
      ListVolumesResponse.Builder b = ListVolumesResponse.newBuilder();
      for (String n : engine.volumes().list()) b.addVolumes(volume(n, engine.volumes().find(n).orElseThrow()));
      return b.build();
    });
  }

  @Override
  public void inspectVolume(VolumeRef req, StreamObserver<VolumeInfo> out) {
    unary(out, () -> volume(req.getName(), engine.volumes().find(req.getName())
        .orElseThrow(() -> new NotFoundException("no such volume: " + req.getName()))));
  }

  @Override
  public void removeVolume(VolumeRef req, StreamObserver<VolumeInfo> out) {
    unary(out, () -> {
      Path dir = engine.volumes().find(req.getName())
          .orElseThrow(() -> new NotFoundException("no such volume: " + req.getName()));
      VolumeInfo v = volume(req.getName(), dir);
      if (v.getUsedByCount() > 0) {
        throw Status.FAILED_PRECONDITION.withDescription("volume " + req.getName() + " is in use by container(s) "
            + String.join(", ", v.getUsedByList()) + "; remove them (or their service) first").asRuntimeException();
      }
      engine.volumes().remove(req.getName());
      return v;
    });
  }
}
