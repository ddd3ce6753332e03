package io.jswarm.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** resolv.conf: the upstreams the daemon forwards to, and the file containers get. */
final class ResolvConf {
  private ResolvConf() {}

  /**
   * The nameservers of a resolv.conf, port 53. Loopback servers (systemd-resolved's 127.0.0.53 and
   * the like) are kept: forwarding happens from the daemon's own namespace, where they answer; it
   * is containers that cannot reach them, which is why containers ask us instead.
   */
  static List<InetSocketAddress> upstreams(String text) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2 && f[0].equals("nameserver")) {
        try {
          // Literal addresses only: getByName on a literal does no lookup.
          if (f[1].matches("[0-9.]+|[0-9a-fA-F:]+(%\\w+)?")) {
            out.add(new InetSocketAddress(InetAddress.getByName(f[1]), 53));
          }
        } catch (UnknownHostException e) {
          // not an address after all; skip it as the libc resolver would
        }
      }
    }
    return out;
  }

  static List<InetSocketAddress> upstreams(Path file) {
    try {
      return upstreams(Files.readString(file));
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * ndots:0 so that every name, dotted or not, is tried as given first: service names are bare
   * words, and with the usual ndots:1 and a search list they would first be sent upstream.
   */
  static String forContainer(String nameserverIp) {
    return "nameserver " + Addresses.ipv4(nameserverIp) + "\noptions ndots:0\n";
  }
}
