package io.jswarm.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ContainerLogsRequest;
import io.jswarm.api.EngineGrpc;
import io.jswarm.api.ImageSummary;
import io.jswarm.api.ImportImageChunk;
import io.jswarm.api.ListImagesRequest;
import io.jswarm.api.ListImagesResponse;
import io.jswarm.api.LogLine;
import io.jswarm.api.RemoveImageRequest;
import io.jswarm.api.RemoveImageResponse;
import io.jswarm.worker.engine.Container;
import io.jswarm.worker.engine.EngineException;
import io.jswarm.worker.engine.ImageStore;
import io.jswarm.worker.engine.InUseException;
import io.jswarm.worker.engine.InvalidArchiveException;
import io.jswarm.worker.engine.LocalEngine;
import io.jswarm.worker.engine.NotFoundException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engine gRPC service of one node, over its {@link LocalEngine}. This is the edge where the
 * engine's exceptions become gRPC status codes: NotFound → NOT_FOUND, InUse →
 * FAILED_PRECONDITION, bad archive or argument → INVALID_ARGUMENT, anything else → INTERNAL.
 */
public final class EngineService extends EngineGrpc.EngineImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(EngineService.class);
  private final LocalEngine engine;
  private final String nodeId;
  private final String nodeName;
  private final ExecutorService importers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "image-import");
    t.setDaemon(true);
    return t;
  });

  public EngineService(LocalEngine engine, String nodeId, String nodeName) {
    this.engine = engine;
    this.nodeId = nodeId;
    this.nodeName = nodeName;
  }

  @Override
  public StreamObserver<ImportImageChunk> importImage(StreamObserver<ImageSummary> response) {
    return new StreamObserver<>() {
      private ChunkPipe pipe;
      private CompletableFuture<ImageSummary> result;

      @Override
      public void onNext(ImportImageChunk chunk) {
        try {
          if (pipe == null) {
            String ref = chunk.getReference();
            if (ref.isEmpty()) {
              throw Status.INVALID_ARGUMENT.withDescription("the first chunk must name the image").asRuntimeException();
            }
            checkImportName(ref);
            pipe = new ChunkPipe();
            ChunkPipe p = pipe;
            result = CompletableFuture.supplyAsync(() -> {
              ImageSummary imported;
              try (p) {
                imported = engine.images().importImage(ref, p);
              }
              // in a swarm with a registry, a bare name is the cluster's: every node can run it
              return engine.clusterImages().store(ref)
                  .map(r -> imported.toBuilder().setClusterReference(r).build()).orElse(imported);
            }, importers);
          }
          pipe.write(chunk.getData());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fail(Status.CANCELLED.asRuntimeException());
        } catch (StatusRuntimeException e) {
          fail(e);
        }
      }

      private void fail(StatusRuntimeException e) {
        if (pipe != null) {
          pipe.fail(e);
        }
        response.onError(e);
        pipe = null;
      }

      @Override
      public void onError(Throwable t) {
        if (pipe != null) {
          pipe.fail(t);
        }
      }

      @Override
      public void onCompleted() {
        if (pipe == null) {
          if (result == null) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("no image data sent").asRuntimeException());
          }
          return;
        }
        try {
          pipe.finish();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        result.whenComplete((summary, err) -> {
          if (err == null) {
            response.onNext(summary);
            response.onCompleted();
          } else {
            response.onError(toStatus(err instanceof java.util.concurrent.CompletionException ? err.getCause() : err));
          }
        });
      }
    };
  }

  @Override
  public void saveImages(io.jswarm.api.SaveImagesRequest request, StreamObserver<io.jswarm.api.ImageArchiveChunk> response) {
    ServerCallStreamObserver<io.jswarm.api.ImageArchiveChunk> call =
        (ServerCallStreamObserver<io.jswarm.api.ImageArchiveChunk>) response;
    ChunkSender out = new ChunkSender(call);
    importers.execute(() -> {
      try {
        String format = request.getFormat().isEmpty() ? "docker" : request.getFormat();
        new io.jswarm.worker.engine.ImageArchives(engine.images()).save(request.getReferencesList(), format, out);
        out.flush();
        response.onCompleted();
      } catch (java.io.IOException e) {
        if (!call.isCancelled()) response.onError(Status.INTERNAL.withDescription("saving failed: " + e.getMessage()).asRuntimeException());
      } catch (RuntimeException e) {
        if (!call.isCancelled()) response.onError(toStatus(e));
      }
    });
  }

  @Override
  public StreamObserver<io.jswarm.api.ImageArchiveChunk> loadImages(StreamObserver<io.jswarm.api.LoadImagesResponse> response) {
    ChunkPipe pipe = new ChunkPipe();
    CompletableFuture<io.jswarm.api.LoadImagesResponse> result = CompletableFuture.supplyAsync(() -> {
      List<io.jswarm.worker.engine.ImageArchives.Loaded> loaded;
      try (pipe) {
        loaded = new io.jswarm.worker.engine.ImageArchives(engine.images()).load(pipe);
      }
      io.jswarm.api.LoadImagesResponse.Builder b = io.jswarm.api.LoadImagesResponse.newBuilder();
      for (var l : loaded) {
        b.addImages(l.image());
        if (l.names().isEmpty()) b.addLoaded(l.image().getId());
        b.addAllLoaded(l.names());
      }
      // as import: in a swarm with a registry, bare names are the cluster's
      for (var l : loaded) {
        for (String n : l.names()) {
          engine.clusterImages().store(n).ifPresent(b::addClusterReferences);
        }
      }
      return b.build();
    }, importers);
    return new StreamObserver<>() {
      @Override
      public void onNext(io.jswarm.api.ImageArchiveChunk chunk) {
        try {
          pipe.write(chunk.getData());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pipe.fail(Status.CANCELLED.asRuntimeException());
        }
      }

      @Override
      public void onError(Throwable t) {
        pipe.fail(t);
      }

      @Override
      public void onCompleted() {
        try {
          pipe.finish();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        result.whenComplete((r, err) -> {
          if (err == null) {
            response.onNext(r);
            response.onCompleted();
          } else {
            response.onError(toStatus(err instanceof java.util.concurrent.CompletionException ? err.getCause() : err));
          }
        });
      }
    };
  }

  /** NAME[:TAG] by the distribution grammar (lowercase, no digest): what a registry can hold too. */
  private static void checkImportName(String ref) {
    try {
      if (ref.contains("@")) throw new IllegalArgumentException("an imported image gets a tag, not a digest");
      io.jswarm.registry.client.ImageReference.parse(ref);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()
          + " (names are lowercase [REGISTRY/]NAME[:TAG], e.g. myapp:1)").asRuntimeException();
    }
  }

  @Override
  public void pullImage(io.jswarm.api.PullImageRequest request, StreamObserver<io.jswarm.api.ImageProgress> response) {
    importers.execute(() -> {
      try {
        ImageSummary s = engine.puller().pull(request.getReference(), (d, size, status) ->
            send(response, io.jswarm.api.ImageProgress.newBuilder().setDigest(d).setSize(size)
                .setDone(status.equals("exists") ? 0 : size).setStatus(status.equals("exists") ? "exists" : "pulled").build()));
        send(response, io.jswarm.api.ImageProgress.newBuilder().setImage(s).setStatus("done").build());
        response.onCompleted();
      } catch (RuntimeException e) {
        response.onError(toStatus(e));
      }
    });
  }

  @Override
  public void inspectRemoteImage(io.jswarm.api.InspectRemoteImageRequest request, StreamObserver<io.jswarm.api.RemoteImage> response) {
    importers.execute(() -> {
      try {
        var m = engine.remoteManifest(request.getReference());
        response.onNext(io.jswarm.api.RemoteImage.newBuilder().setDigest(m.digest().toString()).setMediaType(m.mediaType())
            .setManifest(com.google.protobuf.ByteString.copyFrom(m.bytes())).build());
        response.onCompleted();
      } catch (IllegalArgumentException e) {
        response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      } catch (RuntimeException e) {
        response.onError(toStatus(e));
      }
    });
  }

  @Override
  public void pushImage(io.jswarm.api.PushImageRequest request, StreamObserver<io.jswarm.api.ImageProgress> response) {
    importers.execute(() -> {
      try {
        String target = request.getTarget().isEmpty() ? request.getReference() : request.getTarget();
        long[] lastReport = {0};
        String digest = engine.pusher().push(request.getReference(), target, (d, size, sent, existed) -> {
          long now = System.nanoTime();
          boolean last = sent >= size;
          if (last || now - lastReport[0] > 200_000_000L) {
            lastReport[0] = now;
            send(response, io.jswarm.api.ImageProgress.newBuilder().setDigest(d).setSize(size).setDone(sent)
                .setStatus(existed ? "exists" : last ? "pushed" : "pushing").build());
          }
        });
        send(response, io.jswarm.api.ImageProgress.newBuilder().setManifestDigest(digest).setStatus("done").build());
        response.onCompleted();
      } catch (RuntimeException e) {
        response.onError(toStatus(e));
      }
    });
  }

  private static synchronized void send(StreamObserver<io.jswarm.api.ImageProgress> out, io.jswarm.api.ImageProgress p) {
    out.onNext(p);
  }

  @Override
  public void tagImage(io.jswarm.api.TagImageRequest request, StreamObserver<ImageSummary> response) {
    try {
      response.onNext(engine.images().tag(request.getSource(), request.getTarget()));
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(toStatus(e));
    }
  }

  @Override
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
    try {
      response.onNext(ListImagesResponse.newBuilder().addAllImages(engine.images().list()).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(toStatus(e));
    }
  }

  @Override
  public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> response) {
    try {
      ImageStore.Removed r = engine.images().remove(request.getReference(), request.getForce());
      response.onNext(RemoveImageResponse.newBuilder().addAllUntagged(r.untagged()).addAllDeleted(r.deleted()).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(toStatus(e));
    }
  }

  @Override
  public void containerLogs(ContainerLogsRequest request, StreamObserver<LogLine> response) {
    ServerCallStreamObserver<LogLine> call = (ServerCallStreamObserver<LogLine>) response;
    String id = !request.getContainerId().isEmpty() ? request.getContainerId() : request.getTaskId();
    try {
      // A removed task's container is gone but its kept log is not: the task id is the container id.
      String taskId = engine.get(id).map(Container::taskId).orElse(request.getTaskId());
      long tail = request.getTail() == 0 && !request.getFollow() ? -1 : request.getTail();
      engine.logs(id, request.getFollow(), tail, call::isCancelled, e -> response.onNext(LogLine.newBuilder()
          .setTaskId(taskId).setNodeId(nodeId).setNodeName(nodeName).setStream(e.stream())
          .setTimeNs(e.timeNs()).setData(com.google.protobuf.ByteString.copyFrom(e.data())).build()));
      if (!call.isCancelled()) {
        response.onCompleted();
      }
    } catch (RuntimeException e) {
      if (!call.isCancelled()) {
        response.onError(toStatus(e));
      }
    }
  }

  static StatusRuntimeException toStatus(Throwable e) {
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    Status status;
    if (e instanceof NotFoundException) {
      status = Status.NOT_FOUND;
    } else if (e instanceof InUseException) {
      status = Status.FAILED_PRECONDITION;
    } else if (e instanceof InvalidArchiveException || e instanceof IllegalArgumentException) {
      status = Status.INVALID_ARGUMENT;
    } else if (e instanceof EngineException) {
      status = Status.INTERNAL;
    } else {
      LOG.warn("engine call failed", e);
      status = Status.INTERNAL;
    }
    return status.withDescription(e.getMessage()).asRuntimeException();
  }
}
