package io.jswarm.net;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** Responses built by the embedded DNS server itself, for names it owns and for failures. */
final class DnsAnswers {
  /**
   * Zero: a task's address changes whenever it is rescheduled, and clients that cache (JVMs, some
   * stub resolvers) must not keep a dead address; the query never leaves the machine anyway.
   */
  static final int TTL = 0;

  private DnsAnswers() {}

  /** The lookup key: lower-cased, without the trailing dot. */
  static String key(DnsQuestion q) {
    String n = q.name().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /**
   * An authoritative answer for a name we own. A and ANY get the addresses, shuffled so clients
   * that take the first one spread over the tasks; other types (AAAA above all) get an empty
   * NOERROR, which tells resolvers the name exists without IPv6, so they use the A answer instead of
   * failing; a name we own with no addresses (a service with no running task) is NXDOMAIN.
   */
  static DatagramDnsResponse authoritative(DatagramDnsQuery query, DnsQuestion q, List<Inet4Address> addresses) {
    DnsResponseCode code = addresses.isEmpty() ? DnsResponseCode.NXDOMAIN : DnsResponseCode.NOERROR;
    DatagramDnsResponse r = reply(query, q, code);
    r.setAuthoritativeAnswer(true);
    if (q.type() == DnsRecordType.A || q.type() == DnsRecordType.ANY) {
      List<Inet4Address> shuffled = new ArrayList<>(addresses);
      Collections.shuffle(shuffled, ThreadLocalRandom.current());
      for (Inet4Address a : shuffled) {
        r.addRecord(DnsSection.ANSWER,
            new DefaultDnsRawRecord(q.name(), DnsRecordType.A, TTL, Unpooled.wrappedBuffer(a.getAddress())));
      }
    }
    return r;
  }

  static DatagramDnsResponse failure(DatagramDnsQuery query, DnsQuestion q, DnsResponseCode code) {
    return reply(query, q, code);
  }

  private static DatagramDnsResponse reply(DatagramDnsQuery query, DnsQuestion q, DnsResponseCode code) {
    DatagramDnsResponse r = new DatagramDnsResponse(query.recipient(), query.sender(), query.id(), DnsOpCode.QUERY, code);
    r.setRecursionDesired(query.isRecursionDesired());
    r.setRecursionAvailable(true);
    if (q != null) {
      r.addRecord(DnsSection.QUESTION, q);
    }
    return r;
  }
}
