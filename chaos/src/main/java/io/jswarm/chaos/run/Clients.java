package io.jswarm.chaos.run;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.InfoRequest;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.NodeLocalGrpc;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The daemons' APIs over their unix sockets (the harness runs on the lab's machine, in its mount
 * namespace). Every call carries a deadline, so a stopped or partitioned daemon costs a bounded
 * wait, and the history records it as indeterminate.
 */
public final class Clients implements AutoCloseable {
  private final LabTarget lab;
  private final EpollEventLoopGroup group = new EpollEventLoopGroup(2);
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public Clients(LabTarget lab) {
    this.lab = lab;
  }

  private ManagedChannel channel(String host) {
    return channels.computeIfAbsent(host, h -> NettyChannelBuilder
        .forAddress(new DomainSocketAddress(lab.socket(h).toString()))
        .eventLoopGroup(group).channelType(EpollDomainSocketChannel.class).usePlaintext().build());
  }

  public ControlGrpc.ControlBlockingStub control(String host, long deadlineMs) {
    return ControlGrpc.newBlockingStub(channel(host)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
  }

  /**
   * As {@link #control}, keeping the answer's headers in {@code headers}: a manager that answers
   * from a copy it knows may be out of date says so in the {@code jswarm-stale} header.
   */
  public ControlGrpc.ControlBlockingStub controlWithHeaders(String host, long deadlineMs,
      java.util.concurrent.atomic.AtomicReference<io.grpc.Metadata> headers) {
    return control(host, deadlineMs).withInterceptors(io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(headers,
        new java.util.concurrent.atomic.AtomicReference<>()));
  }

  /** The header a manager marks possibly stale answers with (StaleReadInterceptor in manager). */
  public static final io.grpc.Metadata.Key<String> STALE = io.grpc.Metadata.Key.of("jswarm-stale", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  public NodeLocalGrpc.NodeLocalBlockingStub local(String host, long deadlineMs) {
    return NodeLocalGrpc.newBlockingStub(channel(host)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
  }

  /** Forgets a host's channel, after its daemon restarted (a new socket file). */
  public void reset(String host) {
    ManagedChannel ch = channels.remove(host);
    if (ch != null) ch.shutdownNow();
  }

  public Optional<InfoResponse> info(String host) {
    try {
      return Optional.of(control(host, 1_500).info(InfoRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The host whose node is the leader, as the managers that answer see it (the most common
   * answer: during an election they may disagree, and then there is no leader to speak of).
   */
  public Optional<String> leader() {
    Map<String, String> hostOfNode = new ConcurrentHashMap<>();
    Map<String, Integer> votes = new java.util.HashMap<>();
    for (String h : lab.managers()) {
      Optional<InfoResponse> i = info(h);
      if (i.isEmpty()) continue;
      hostOfNode.put(i.get().getNodeId(), h);
      if (!i.get().getLeaderNodeId().isEmpty()) votes.merge(i.get().getLeaderNodeId(), 1, Integer::sum);
    }
    return votes.entrySet().stream().filter(e -> e.getValue() * 2 > lab.managers().size())
        .map(e -> hostOfNode.get(e.getKey())).filter(java.util.Objects::nonNull).findFirst();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
  }
}
