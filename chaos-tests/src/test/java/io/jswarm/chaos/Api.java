package io.jswarm.chaos;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.InfoRequest;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.StoreDigestRequest;
import io.jswarm.api.StoreDigestResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Direct Control API calls to lab daemons over their unix sockets (reachable from the test JVM:
 * the daemons share its mount namespace). Calls carry short deadlines so a dead daemon answers
 * "no" quickly instead of hanging a poll.
 */
final class Api implements AutoCloseable {
  private final Lab lab;
  private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  Api(Lab lab) {
    this.lab = lab;
  }

  ControlGrpc.ControlBlockingStub control(String host, long deadlineMs) {
    ManagedChannel ch = channels.computeIfAbsent(host, h -> NettyChannelBuilder
        .forAddress(new DomainSocketAddress(lab.dir().resolve(h).resolve("jswarm.sock").toString()))
        .eventLoopGroup(group).channelType(EpollDomainSocketChannel.class).usePlaintext()
        .maxInboundMessageSize(64 << 20).build()); // as the CLI: 20,000 tasks are ~8 MB
    return ControlGrpc.newBlockingStub(ch).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
  }

  /** Forgets a host's channel, e.g. after its daemon was killed (the socket file is replaced). */
  void reset(String host) {
    ManagedChannel ch = channels.remove(host);
    if (ch != null) ch.shutdownNow();
  }

  Optional<InfoResponse> info(String host) {
    try {
      return Optional.of(control(host, 1_000).info(InfoRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  Optional<StoreDigestResponse> digest(String host) {
    try {
      return Optional.of(control(host, 2_000).storeDigest(StoreDigestRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }


  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
  }
}
