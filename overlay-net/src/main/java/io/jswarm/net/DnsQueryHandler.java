package io.jswarm.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers one listening socket's queries: names the resolver owns are answered here, the rest are
 * handed to the forwarder as the client's original bytes. The query is decoded by hand rather than
 * by a decoder in the pipeline because forwarding needs the packet as received: re-encoding a
 * decoded query could drop or reorder what the client sent (EDNS options, flags).
 */
@ChannelHandler.Sharable
final class DnsQueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  /** Exposes the protected decode step of Netty's decoder. */
  private static final class QueryDecoder extends DatagramDnsQueryDecoder {
    DatagramDnsQuery decodeOne(ChannelHandlerContext ctx, DatagramPacket packet) throws Exception {
      List<Object> out = new ArrayList<>(1);
      decode(ctx, packet, out);
      return out.isEmpty() ? null : (DatagramDnsQuery) out.get(0);
    }
  }

  private final QueryDecoder decoder = new QueryDecoder();
  private final DnsServer.Resolver resolver;
  private final UpstreamForwarder forwarder;

  DnsQueryHandler(DnsServer.Resolver resolver, UpstreamForwarder forwarder) {
    this.resolver = resolver;
    this.forwarder = forwarder;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    DatagramDnsQuery query;
    try {
      // A duplicate: decoding moves the reader index, and forwarding needs the packet from its start.
      query = decoder.decodeOne(ctx, packet.replace(packet.content().duplicate()));
    } catch (Exception e) {
      return; // not DNS, or truncated: nothing sensible to answer
    }
    if (query == null) {
      return;
    }
    try {
      DnsQuestion q = query.count(DnsSection.QUESTION) > 0 ? query.recordAt(DnsSection.QUESTION) : null;
      if (q == null) {
        ctx.writeAndFlush(DnsAnswers.failure(query, null, DnsResponseCode.FORMERR));
        return;
      }
      Optional<List<Inet4Address>> ours = q.type() == DnsRecordType.PTR ? Optional.empty() : lookup(q);
      if (ours.isPresent()) {
        ctx.writeAndFlush(DnsAnswers.authoritative(query, q, ours.get()));
      } else {
        forwarder.forward(packet.content(), query, q, ctx.channel());
      }
    } finally {
      query.release();
    }
  }

  private Optional<List<Inet4Address>> lookup(DnsQuestion q) {
    try {
      return resolver.lookup(DnsAnswers.key(q));
    } catch (RuntimeException e) {
      // A failing resolver must not take the server down; the name is then treated as not ours.
      return Optional.empty();
    }
  }
}
