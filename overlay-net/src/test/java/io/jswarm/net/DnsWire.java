package io.jswarm.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;

/** DNS messages to and from bytes with Netty's own codecs, for tests that talk over real sockets. */
final class DnsWire {
  static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 9);

  private DnsWire() {}

  static byte[] query(int id, String name, DnsRecordType type) {
    DatagramDnsQuery q = new DatagramDnsQuery(ANY, ANY, id);
    q.setRecursionDesired(true);
    q.setRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
    return encode(new EmbeddedChannel(new DatagramDnsQueryEncoder()), q);
  }

  static DatagramDnsQuery decodeQuery(byte[] bytes) {
    return decode(new EmbeddedChannel(new DatagramDnsQueryDecoder()), bytes);
  }

  static byte[] encodeResponse(DatagramDnsResponse r) {
    return encode(new EmbeddedChannel(new DatagramDnsResponseEncoder()), r);
  }

  static DatagramDnsResponse decodeResponse(byte[] bytes) {
    return decode(new EmbeddedChannel(new DatagramDnsResponseDecoder()), bytes);
  }

  private static byte[] encode(EmbeddedChannel ch, Object msg) {
    ch.writeOutbound(msg);
    DatagramPacket p = ch.readOutbound();
    ByteBuf b = p.content();
    byte[] out = ByteBufUtil.getBytes(b);
    p.release();
    ch.finishAndReleaseAll();
    return out;
  }

  private static <T> T decode(EmbeddedChannel ch, byte[] bytes) {
    ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bytes), ANY, ANY));
    T msg = ch.readInbound();
    ch.finishAndReleaseAll();
    return msg;
  }
}
