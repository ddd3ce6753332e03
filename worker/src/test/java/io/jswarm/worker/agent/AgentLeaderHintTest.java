package io.jswarm.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.DispatcherMessage;
import io.jswarm.api.LeaderHint;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.WorkerMessage;
import io.jswarm.worker.engine.LocalEngine;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a leader change the agent may first reach a follower: that refusal names the leader, and
 * the agent's next session goes there, though the leader is in no list the agent was given.
 * No containers run: an agent with no tasks needs no runtime.
 */
@Timeout(60)
class AgentLeaderHintTest {
  @TempDir Path dir;
  private FakeDispatcher leader;
  private Server follower;
  private Agent agent;

  @AfterEach
  void down() throws Exception {
    if (agent != null) agent.close();
    if (follower != null) follower.shutdownNow();
    if (leader != null) leader.close();
  }

  @Test
  void aRefusalNamingTheLeaderSendsTheAgentThere() throws Exception {
    leader = new FakeDispatcher();
    AtomicInteger refused = new AtomicInteger();
    follower = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new DispatcherGrpc.DispatcherImplBase() {
          @Override
          public StreamObserver<WorkerMessage> session(StreamObserver<DispatcherMessage> out) {
            return new StreamObserver<>() {
              @Override
              public void onNext(WorkerMessage m) {
                refused.incrementAndGet();
                Metadata trailers = new Metadata();
                trailers.put(LeaderHint.KEY, leader.addr());
                out.onError(Status.UNAVAILABLE.withDescription("this manager is not the leader").asRuntimeException(trailers));
              }

              @Override public void onError(Throwable t) { }
              @Override public void onCompleted() { }
            };
          }
        }).build().start();
    String followerAddr = "127.0.0.1:" + follower.getPort();
    LocalEngine engine = new LocalEngine(dir, "hint-test");
    agent = new Agent(new AgentConfig("node-id-1", "hint-test", "127.0.0.1:1", () -> List.of(followerAddr),
        NodeDescription.getDefaultInstance(),
        addr -> NettyChannelBuilder.forTarget(addr).usePlaintext().build()), engine);
    agent.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (leader.hellos.get() == 0) {
      assertTrue(System.nanoTime() < deadline, "the agent never reached the leader the follower named");
      Thread.sleep(20); // poll interval of a deadline-bounded wait
    }
    assertEquals(1, refused.get(), "one refusal was enough");
  }
}
