package io.jswarm.cli.daemon;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The daemon's settings, with every default resolved. {@code registryAddr} is HOST:PORT of the
 * registry a manager serves, or null when disabled ({@code --registry-addr none});
 * {@code registryHtpasswd} the htpasswd file its users log in with, or null for no login.
 */
public record DaemonConfig(Path dataRoot, Path socket, String listenHost, int listenPort,
    String advertiseHost, int raftPort, String nodeName, String registryAddr, Path registryHtpasswd, String controlAddr,
    java.util.List<String> insecureRegistries) {

  public DaemonConfig {
    insecureRegistries = insecureRegistries == null ? java.util.List.of() : java.util.List.copyOf(insecureRegistries);
  }

  /** The same settings; the node may speak plain HTTP to these registries (HOST:PORT or HOST). */
  public DaemonConfig withInsecureRegistries(java.util.List<String> registries) {
    for (String r : registries) {
      if (!r.matches("[A-Za-z0-9.\\-\\[\\]:]+")) throw new IllegalArgumentException("--insecure-registry must be HOST[:PORT], got \"" + r + "\"");
    }
    return new DaemonConfig(dataRoot, socket, listenHost, listenPort, advertiseHost, raftPort, nodeName, registryAddr,
        registryHtpasswd, controlAddr, registries);
  }

  public static final int DEFAULT_REGISTRY_PORT = 5000;

  public static DaemonConfig of(Path dataRoot, String host, String listenAddr, String advertiseAddr,
      Integer raftPort, String nodeName) {
    return of(dataRoot, host, listenAddr, advertiseAddr, raftPort, nodeName, null);
  }

  /** @param registryAddr HOST:PORT, :PORT (advertise host), "none", or null for the advertise host:5000 */
  public static DaemonConfig of(Path dataRoot, String host, String listenAddr, String advertiseAddr,
      Integer raftPort, String nodeName, String registryAddr) {
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
    String reg;
    if (registryAddr == null || registryAddr.isEmpty()) {
      reg = adv + ":" + DEFAULT_REGISTRY_PORT;
    } else if (registryAddr.equals("none")) {
      reg = null;
    } else {
      int c = registryAddr.lastIndexOf(':');
      if (c < 0 || !registryAddr.substring(c + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException("--registry-addr must be HOST:PORT, :PORT or none, got \"" + registryAddr + "\"");
      }
      reg = c == 0 ? adv + registryAddr : registryAddr;
    }
    return new DaemonConfig(dataRoot.toAbsolutePath(), Path.of(host.substring("unix://".length())), lh, lp, adv,
        raftPort != null ? raftPort : lp + 1, name, reg, null, null, null);
  }

  /** The same settings with the registry requiring a login from the users of {@code htpasswd}. */
  public DaemonConfig withRegistryHtpasswd(Path htpasswd) {
    if (htpasswd != null && !java.nio.file.Files.isReadable(htpasswd)) {
      throw new IllegalArgumentException("--registry-htpasswd: cannot read " + htpasswd);
    }
    return new DaemonConfig(dataRoot, socket, listenHost, listenPort, advertiseHost, raftPort, nodeName, registryAddr,
        htpasswd == null ? null : htpasswd.toAbsolutePath(), controlAddr, insecureRegistries);
  }

  /** The same settings, also serving Control on {@code addr} (HOST:PORT) to admin certificates; null for none. */
  public DaemonConfig withControlAddr(String addr) {
    if (addr != null && !addr.matches(".+:\\d{1,5}")) {
      throw new IllegalArgumentException("--control-addr must be HOST:PORT, got \"" + addr + "\"");
    }
    return new DaemonConfig(dataRoot, socket, listenHost, listenPort, advertiseHost, raftPort, nodeName, registryAddr,
        registryHtpasswd, addr, insecureRegistries);
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
