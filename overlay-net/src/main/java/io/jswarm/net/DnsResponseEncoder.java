package io.jswarm.net;

import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsResponse;

/**
 * Netty's response encoder matches on the erased type AddressedEnvelope, so it would also claim the
 * raw DatagramPackets relayed from upstream and fail on them; this one lets those pass untouched.
 */
final class DnsResponseEncoder extends DatagramDnsResponseEncoder {
  @Override
  public boolean acceptOutboundMessage(Object msg) throws Exception {
    return super.acceptOutboundMessage(msg) && ((AddressedEnvelope<?, ?>) msg).content() instanceof DnsResponse;
  }
}
