package io.jswarm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResolvConfTest {
  @Test
  void readsNameserversKeepingLoopbackOnes() {
    String conf = "# generated\nsearch example.org\nnameserver 10.255.255.53\nnameserver 127.0.0.53\nnameserver  bogus.name\noptions edns0\n";
    assertEquals(List.of(new InetSocketAddress("10.255.255.53", 53), new InetSocketAddress("127.0.0.53", 53)),
        ResolvConf.upstreams(conf));
  }

  @Test
  void containerFileNamesTheGatewayAndNoSearch() {
    assertEquals("nameserver 10.0.1.1\noptions ndots:0\n", DnsServer.resolvConf("10.0.1.1"));
  }
}
