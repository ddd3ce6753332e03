package io.jswarm.cli.commands;

import io.jswarm.api.PortConfig;
import io.jswarm.cli.CliException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `--publish` in Docker's forms: the long one (published=8080,target=80,protocol=udp,mode=host)
 * and the short ones (8080:80, 8080:80/udp, 80, 127.0.0.1:8080:80, 127.0.0.1::80). An address
 * can only be bound on the node that runs the task, so a short form with one means host mode.
 */
final class PortFlags {
  private static final Pattern SHORT = Pattern.compile("(?:(?:(\\d{1,3}(?:\\.\\d{1,3}){3}):)?(\\d*):)?(\\d+)(?:/(tcp|udp))?");

  private PortFlags() {}

  static PortConfig parse(String s) {
    if (s.contains("=")) return parseLong(s);
    Matcher m = SHORT.matcher(s.trim());
    if (!m.matches()) {
      throw new CliException("invalid --publish \"" + s + "\": use PUBLISHED:TARGET[/udp], IP:PUBLISHED:TARGET, IP::TARGET, TARGET or published=…,target=…", 125);
    }
    PortConfig.Builder p = PortConfig.newBuilder().setTargetPort(port(s, m.group(3)));
    if (m.group(2) != null && !m.group(2).isEmpty()) p.setPublishedPort(port(s, m.group(2)));
    if ("udp".equals(m.group(4))) p.setProtocol(PortConfig.Protocol.UDP);
    if (m.group(1) != null) p.setHostIp(m.group(1)).setPublishMode(PortConfig.PublishMode.HOST);
    return p.build();
  }

  private static PortConfig parseLong(String s) {
    PortConfig.Builder p = PortConfig.newBuilder();
    boolean target = false;
    for (String kv : s.split(",")) {
      int eq = kv.indexOf('=');
      if (eq < 0) throw new CliException("invalid --publish field \"" + kv + "\" in \"" + s + "\": use key=value", 125);
      String k = kv.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = kv.substring(eq + 1).trim();
      switch (k) {
        case "published" -> p.setPublishedPort(port(s, v));
        case "target" -> {
          p.setTargetPort(port(s, v));
          target = true;
        }
        case "protocol" -> p.setProtocol(switch (v.toLowerCase(Locale.ROOT)) {
          case "tcp" -> PortConfig.Protocol.TCP;
          case "udp" -> PortConfig.Protocol.UDP;
          default -> throw new CliException("invalid protocol \"" + v + "\" in --publish: use tcp or udp", 125);
        });
        case "mode" -> p.setPublishMode(switch (v.toLowerCase(Locale.ROOT)) {
          case "ingress" -> PortConfig.PublishMode.INGRESS;
          case "host" -> PortConfig.PublishMode.HOST;
          default -> throw new CliException("invalid mode \"" + v + "\" in --publish: use ingress or host", 125);
        });
        default -> throw new CliException("unknown --publish field \"" + k + "\": use published, target, protocol, mode", 125);
      }
    }
    if (!target) throw new CliException("--publish \"" + s + "\" needs target=PORT", 125);
    return p.build();
  }

  private static int port(String flag, String v) {
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new CliException("invalid port \"" + v + "\" in --publish \"" + flag + "\"", 125);
    }
    if (n < 1 || n > 65535) throw new CliException("port " + n + " in --publish \"" + flag + "\" is not 1..65535", 125);
    return n;
  }

  /**
   * Whether {@code --publish-rm}'s argument names port {@code p}: TARGET (Docker's form: by target port),
   * or PUBLISHED:TARGET, either with /udp (default tcp).
   */
  static boolean matches(PortConfig p, String s) {
    Matcher m = Pattern.compile("(?:(\\d+):)?(\\d+)(?:/(tcp|udp))?").matcher(s.trim());
    if (!m.matches()) throw new CliException("invalid --publish-rm \"" + s + "\": use TARGET or PUBLISHED:TARGET, optionally /udp", 125);
    PortConfig.Protocol proto = "udp".equals(m.group(3)) ? PortConfig.Protocol.UDP : PortConfig.Protocol.TCP;
    if (p.getProtocol() != proto || p.getTargetPort() != Long.parseLong(m.group(2))) return false;
    return m.group(1) == null || p.getPublishedPort() == Long.parseLong(m.group(1));
  }

  static String describe(PortConfig p) {
    String proto = p.getProtocol().name().toLowerCase(Locale.ROOT);
    String host = p.getHostIp().isEmpty() ? "*" : p.getHostIp();
    return host + ":" + (p.getPublishedPort() == 0 ? "?" : p.getPublishedPort()) + "->" + p.getTargetPort() + "/" + proto
        + (p.getPublishMode() == PortConfig.PublishMode.HOST ? " (host)" : "");
  }
}
