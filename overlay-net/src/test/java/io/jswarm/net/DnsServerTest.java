package io.jswarm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DnsServerTest {
  static final Map<String, List<String>> NAMES = Map.of(
      "web", List.of("10.0.1.5", "10.0.1.6", "10.0.1.7"),
      "idle", List.of());

  static Optional<List<Inet4Address>> resolve(String name) {
    List<String> ips = NAMES.get(name);
    return ips == null ? Optional.empty() : Optional.of(ips.stream().map(DnsServerTest::v4).toList());
  }

  DatagramSocket upstream;
  Thread upstreamThread;
  DnsServer server;
  InetSocketAddress serverAddress;
  DatagramSocket client;

  @BeforeEach
  void start() throws IOException {
    upstream = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    upstreamThread = new Thread(this::answerUpstream, "fake-upstream");
    upstreamThread.setDaemon(true);
    upstreamThread.start();
    server = new DnsServer(DnsServerTest::resolve, List.of((InetSocketAddress) upstream.getLocalSocketAddress()));
    DatagramChannel ch = DatagramChannel.open();
    ch.bind(new InetSocketAddress("127.0.0.1", 0));
    server.listen("lo", ch);
    serverAddress = server.address("lo").orElseThrow();
    client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    client.setSoTimeout(5000);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** Answers every forwarded query for *.example with 192.0.2.1, echoing its ID and question. */
  void answerUpstream() {
    byte[] buf = new byte[4096];
    while (!upstream.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        upstream.receive(p);
        DatagramDnsQuery q = DnsWire.decodeQuery(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        if (q.recordAt(DnsSection.QUESTION).name().startsWith("silent")) {
          q.release();
          continue;
        }
        DatagramDnsResponse r = new DatagramDnsResponse(DnsWire.ANY, DnsWire.ANY, q.id());
        r.addRecord(DnsSection.QUESTION, q.recordAt(DnsSection.QUESTION));
        r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(q.recordAt(DnsSection.QUESTION).name(), DnsRecordType.A, 300,
            Unpooled.wrappedBuffer(new byte[] {(byte) 192, 0, 2, 1})));
        byte[] out = DnsWire.encodeResponse(r);
        q.release();
        upstream.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  DatagramDnsResponse ask(int id, String name, DnsRecordType type) throws IOException {
    byte[] q = DnsWire.query(id, name, type);
    client.send(new DatagramPacket(q, q.length, serverAddress));
    byte[] buf = new byte[4096];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    client.receive(p);
    return DnsWire.decodeResponse(java.util.Arrays.copyOf(p.getData(), p.getLength()));
  }

  static Set<String> addresses(DatagramDnsResponse r) throws IOException {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < r.count(DnsSection.ANSWER); i++) {
      DnsRawRecord rec = r.recordAt(DnsSection.ANSWER, i);
      out.add(InetAddress.getByAddress(ByteBufUtil.getBytes(rec.content())).getHostAddress());
    }
    return out;
  }

  @Test
  void ourNameGetsAllItsAddressesAuthoritativelyWithTtlZero() throws IOException {
    DatagramDnsResponse r = ask(4711, "Web.", DnsRecordType.A);
    try {
      assertEquals(4711, r.id());
      assertEquals(DnsResponseCode.NOERROR, r.code());
      assertTrue(r.isAuthoritativeAnswer());
      assertEquals(Set.of("10.0.1.5", "10.0.1.6", "10.0.1.7"), addresses(r));
      assertEquals(0, r.<DnsRawRecord>recordAt(DnsSection.ANSWER, 0).timeToLive());
    } finally {
      r.release();
    }
  }

  @Test
  void answersAreShuffledForRoundRobin() throws IOException {
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 60 && firsts.size() < 2; i++) {
      DatagramDnsResponse r = ask(i, "web", DnsRecordType.A);
      DnsRawRecord first = r.recordAt(DnsSection.ANSWER, 0);
      firsts.add(InetAddress.getByAddress(ByteBufUtil.getBytes(first.content())).getHostAddress());
      r.release();
    }
    assertTrue(firsts.size() > 1, "the first address never changed: " + firsts);
  }

  @Test
  void ourNameWithoutTasksIsNxdomain() throws IOException {
    DatagramDnsResponse r = ask(1, "idle", DnsRecordType.A);
    assertEquals(DnsResponseCode.NXDOMAIN, r.code());
    assertEquals(0, r.count(DnsSection.ANSWER));
    r.release();
  }

  @Test
  void aaaaForOurNameIsAnEmptySuccessSoClientsFallBackToA() throws IOException {
    DatagramDnsResponse r = ask(2, "web", DnsRecordType.AAAA);
    assertEquals(DnsResponseCode.NOERROR, r.code());
    assertEquals(0, r.count(DnsSection.ANSWER));
    r.release();
  }

  @Test
  void otherNamesAreRelayedFromUpstreamUnderTheClientsId() throws IOException {
    DatagramDnsResponse r = ask(31337, "www.example.", DnsRecordType.A);
    assertEquals(31337, r.id());
    assertEquals(Set.of("192.0.2.1"), addresses(r));
    assertEquals("www.example.", r.recordAt(DnsSection.QUESTION).name());
    r.release();
  }

  @Test
  void unansweredForwardBecomesServfailAfterTheUpstreamTimeout() throws IOException {
    server.close();
    server = new DnsServer(DnsServerTest::resolve, List.of((InetSocketAddress) upstream.getLocalSocketAddress()), Duration.ofMillis(300));
    DatagramChannel ch = DatagramChannel.open();
    ch.bind(new InetSocketAddress("127.0.0.1", 0));
    server.listen("lo", ch);
    serverAddress = server.address("lo").orElseThrow();
    DatagramDnsResponse r = ask(9, "silent.example.", DnsRecordType.A);
    assertEquals(DnsResponseCode.SERVFAIL, r.code());
    assertEquals(9, r.id());
    r.release();
  }

  static Inet4Address v4(String s) {
    try {
      return (Inet4Address) InetAddress.getByAddress(Addresses.ipv4Bytes(s));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
