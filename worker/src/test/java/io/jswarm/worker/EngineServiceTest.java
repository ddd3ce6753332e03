package io.jswarm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.EngineGrpc;
import io.jswarm.api.ImageSummary;
import io.jswarm.api.ImportImageChunk;
import io.jswarm.api.ListImagesRequest;
import io.jswarm.api.RemoveImageRequest;
import io.jswarm.worker.engine.LocalEngine;
import io.jswarm.worker.engine.TestTars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EngineServiceTest {
  @TempDir Path data;
  private Server server;
  private ManagedChannel channel;
  private LocalEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    engine = new LocalEngine(data, "n1", "/bin/false", "/bin/false");
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(new EngineService(engine, "id1", "n1")).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    engine.close();
  }

  private ImageSummary upload(String ref, byte[] tar, int chunkSize) throws Exception {
    CompletableFuture<ImageSummary> result = new CompletableFuture<>();
    StreamObserver<ImportImageChunk> req = EngineGrpc.newStub(channel).importImage(new StreamObserver<>() {
      @Override
      public void onNext(ImageSummary v) {
        result.complete(v);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    });
    req.onNext(ImportImageChunk.newBuilder().setReference(ref).build());
    for (int off = 0; off < tar.length; off += chunkSize) {
      req.onNext(ImportImageChunk.newBuilder()
          .setData(ByteString.copyFrom(tar, off, Math.min(chunkSize, tar.length - off))).build());
    }
    req.onCompleted();
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void importsInChunksThenListsAndRemoves() throws Exception {
    ImageSummary s = upload("busybox:1", TestTars.busybox(), 4096);
    assertTrue(s.getId().startsWith("sha256:"));
    assertEquals("busybox:1", s.getTags(0));
    var blocking = EngineGrpc.newBlockingStub(channel);
    assertEquals(1, blocking.listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());
    var removed = blocking.removeImage(RemoveImageRequest.newBuilder().setReference("busybox:1").build());
    assertEquals(s.getId(), removed.getDeleted(0));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> blocking.removeImage(RemoveImageRequest.newBuilder().setReference("busybox:1").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void badTarIsInvalidArgumentAndStoresNothing() throws Exception {
    byte[] evil = new TestTars().file("../escape", "x", 0644).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> upload("evil", evil, 100));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("escapes the root"), e.getStatus().getDescription());

    byte[] truncated = java.util.Arrays.copyOf(TestTars.busybox(), 5000);
    StatusRuntimeException t = assertThrows(StatusRuntimeException.class, () -> upload("trunc", truncated, 1000));
    assertEquals(Status.Code.INVALID_ARGUMENT, t.getStatus().getCode(), t.getStatus().toString());

    assertEquals(0, EngineGrpc.newBlockingStub(channel).listImages(ListImagesRequest.getDefaultInstance())
        .getImagesCount());
    try (var layers = Files.list(data.resolve("images/layers"))) {
      assertEquals(0, layers.count());
    }
  }
}
