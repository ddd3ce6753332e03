package io.jswarm.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Relays queries for names that are not ours to the host's resolvers, from one socket in the
 * daemon's own namespace (containers cannot reach the host's resolvers, the daemon can). Bytes are
 * relayed unchanged except the 16-bit ID, which is replaced by one unique among queries in flight
 * so answers for different clients cannot be confused. Upstreams are tried in order, each for a
 * bounded time; when all fail the client gets SERVFAIL instead of waiting out its own timeout.
 */
final class UpstreamForwarder implements AutoCloseable {
  private record Pending(
      InetSocketAddress client,
      int clientId,
      DatagramDnsQuery query,
      DnsQuestion question,
      Channel replyVia,
      ByteBuf bytes,
      int upstream,
      ScheduledFuture<?> timeout) {}

  private final List<InetSocketAddress> upstreams;
  private final Duration perUpstream;
  private final Channel socket;
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();

  UpstreamForwarder(EventLoopGroup group, List<InetSocketAddress> upstreams, Duration perUpstream) {
    this.upstreams = List.copyOf(upstreams);
    this.perUpstream = perUpstream;
    if (this.upstreams.isEmpty()) {
      socket = null;
      return;
    }
    socket = new Bootstrap()
        .group(group)
        .channel(NioDatagramChannel.class)
        // EDNS answers can be up to 4096 bytes; the datagram default buffer would cut them.
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65535))
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket answer) {
            relay(answer);
          }
        })
        .bind(new InetSocketAddress(0))
        .syncUninterruptibly()
        .channel();
  }

  /** Takes its own reference to {@code bytes} and {@code query}; the caller keeps its own. */
  void forward(ByteBuf bytes, DatagramDnsQuery query, DnsQuestion q, Channel replyVia) {
    if (socket == null) {
      replyVia.writeAndFlush(DnsAnswers.failure(query, q, DnsResponseCode.SERVFAIL));
      return;
    }
    int id = freshId();
    ByteBuf copy = bytes.copy();
    copy.setShort(0, id);
    send(id, new Pending(query.sender(), query.id(), query.retain(), q, replyVia, copy, 0, null));
  }

  private void send(int id, Pending p) {
    ScheduledFuture<?> timeout =
        socket.eventLoop().schedule(() -> timedOut(id), perUpstream.toMillis(), TimeUnit.MILLISECONDS);
    Pending armed = new Pending(p.client, p.clientId, p.query, p.question, p.replyVia, p.bytes, p.upstream, timeout);
    pending.put(id, armed);
    socket.writeAndFlush(new DatagramPacket(p.bytes.retainedDuplicate(), upstreams.get(p.upstream)));
  }

  private void timedOut(int id) {
    Pending p = pending.remove(id);
    if (p == null) {
      return;
    }
    if (p.upstream + 1 < upstreams.size()) {
      send(id, new Pending(p.client, p.clientId, p.query, p.question, p.replyVia, p.bytes, p.upstream + 1, null));
    } else {
      p.replyVia.writeAndFlush(DnsAnswers.failure(p.query, p.question, DnsResponseCode.SERVFAIL));
      release(p);
    }
  }

  private void relay(DatagramPacket answer) {
    ByteBuf in = answer.content();
    if (in.readableBytes() < 12) {
      return;
    }
    int id = in.getUnsignedShort(in.readerIndex());
    Pending p = pending.get(id);
    // Only the upstream we asked may answer: anything else is stale or spoofed.
    if (p == null || !answer.sender().equals(upstreams.get(p.upstream)) || !pending.remove(id, p)) {
      return;
    }
    p.timeout.cancel(false);
    ByteBuf out = in.copy();
    out.setShort(0, p.clientId);
    p.replyVia.writeAndFlush(new DatagramPacket(out, p.client));
    release(p);
  }

  private int freshId() {
    while (true) {
      int id = ThreadLocalRandom.current().nextInt(1 << 16);
      if (!pending.containsKey(id)) {
        return id;
      }
    }
  }

  private static void release(Pending p) {
    p.bytes.release();
    p.query.release();
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.close().syncUninterruptibly();
    }
    pending.values().forEach(p -> {
      p.timeout.cancel(false);
      release(p);
    });
    pending.clear();
  }
}
