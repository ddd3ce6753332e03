package io.jswarm.chaos;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a classic pcap file of Ethernet/IPv4/TCP (what {@code tcpdump -w} writes) and returns the
 * first payload bytes each TCP connection's client sent, keyed "src:port>dst:port". Only
 * connections whose SYN is in the capture count: a stream already open when the capture started
 * has no known first byte.
 */
final class Pcap {
  private Pcap() {}

  static Map<String, byte[]> firstClientBytes(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    int magic = b.getInt(0);
    b.order(magic == 0xa1b2c3d4 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int linkType = b.getInt(20);
    if (linkType != 1) throw new IOException("not an Ethernet capture (link type " + linkType + ")");
    b.position(24);
    Map<String, Boolean> syn = new LinkedHashMap<>();
    Map<String, byte[]> first = new LinkedHashMap<>();
    while (b.remaining() >= 16) {
      b.getInt();
      b.getInt();
      int incl = b.getInt();
      b.getInt();
      if (incl > b.remaining()) break; // a record cut off by the capture's end
      int start = b.position();
      b.position(start + incl);
      ByteBuffer f = ByteBuffer.wrap(b.array(), start, incl).slice().order(ByteOrder.BIG_ENDIAN);
      if (incl < 14 + 20 || (f.getShort(12) & 0xffff) != 0x0800) continue;
      int ip = 14;
      int ihl = (f.get(ip) & 0x0f) * 4;
      if (f.get(ip + 9) != 6) continue; // not TCP
      int totalLen = f.getShort(ip + 2) & 0xffff;
      String src = ipv4(f, ip + 12);
      String dst = ipv4(f, ip + 16);
      int tcp = ip + ihl;
      int sport = f.getShort(tcp) & 0xffff;
      int dport = f.getShort(tcp + 2) & 0xffff;
      int off = ((f.get(tcp + 12) >> 4) & 0x0f) * 4;
      int flags = f.get(tcp + 13) & 0xff;
      String key = src + ":" + sport + ">" + dst + ":" + dport;
      boolean isSyn = (flags & 0x02) != 0 && (flags & 0x10) == 0;
      if (isSyn) {
        syn.put(key, true);
        continue;
      }
      int payload = totalLen - ihl - off;
      int from = tcp + off;
      if (payload <= 0 || !syn.containsKey(key) || first.containsKey(key)) continue;
      int n = Math.min(payload, Math.min(8, incl - from));
      if (n <= 0) continue;
      byte[] out = new byte[n];
      f.get(from, out);
      first.put(key, out);
    }
    return first;
  }

  private static String ipv4(ByteBuffer f, int at) {
    return (f.get(at) & 0xff) + "." + (f.get(at + 1) & 0xff) + "." + (f.get(at + 2) & 0xff) + "." + (f.get(at + 3) & 0xff);
  }
}
