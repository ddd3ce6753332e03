package io.jswarm.cli.daemon;

import java.net.InetAddress;
import java.nio.file.Path;

/** The daemon's settings, with every default resolved. */
public record DaemonConfig(Path dataRoot, Path socket, String listenHost, int listenPort,
    String advertiseHost, int raftPort, String nodeName) {

  public static DaemonConfig of(Path dataRoot, String host, String listenAddr, String advertiseAddr,
      Integer raftPort, String nodeName) {
    if (!host.startsWith("unix://")) {
      throw new IllegalArgumentException("--host must be unix:///PATH.sock, got \"" + host + "\"");
    }
    int colon = listenAddr.lastIndexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("--listen-addr must be HOST:PORT, got \"" + listenAddr + "\"");
    String lh = listenAddr.substring(0, colon);
    int lp;
    try {
      lp = Integer.parseInt(listenAddr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen-addr must be HOST:PORT, got \"" + listenAddr + "\"");
    }
    String adv = advertiseAddr;
    if (adv == null || adv.isEmpty()) adv = lh.equals("0.0.0.0") ? guessAddress() : lh;
    if (adv.contains(":")) adv = adv.substring(0, adv.lastIndexOf(':'));
    String name = nodeName;
    if (name == null || name.isEmpty()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        name = "localhost";
      }
    }
    return new DaemonConfig(dataRoot.toAbsolutePath(), Path.of(host.substring("unix://".length())), lh, lp, adv,
        raftPort != null ? raftPort : lp + 1, name);
  }

  private static String guessAddress() {
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (Exception e) {
      return "127.0.0.1";
    }
  }

  public String advertiseAddr() {
    return advertiseHost + ":" + listenPort;
  }

  public String raftAddr() {
    return advertiseHost + ":" + raftPort;
  }
}
