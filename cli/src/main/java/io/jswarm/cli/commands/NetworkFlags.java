package io.jswarm.cli.commands;

import io.jswarm.api.EndpointSpec;
import io.jswarm.api.NetworkAttachmentConfig;
import io.jswarm.api.NetworkMode;
import io.jswarm.api.PortConfig;
import io.jswarm.api.ServiceSpec;
import io.jswarm.cli.CliException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** `--network`, `--publish`, `-P` and `--endpoint-mode` of `service create`. */
public final class NetworkFlags {
  @Option(names = "--network", paramLabel = "NETWORK", description = "Attach to a network: NAME, name=NAME[,alias=A], host (the node's own network), none (loopback only)") List<String> networks = new ArrayList<>();
  @Option(names = {"-p", "--publish"}, paramLabel = "PORT", description = "Publish a port: 8080:80, 8080:80/udp, 127.0.0.1:8080:80, 127.0.0.1::80, or published=8080,target=80,protocol=tcp|udp,mode=ingress|host") List<String> publish = new ArrayList<>();
  @Option(names = {"-P", "--publish-all"}, description = "Give every published port without a published number one from the swarm's dynamic port range (default 30000-32767)") boolean publishAll;
  @Option(names = "--endpoint-mode", description = "Endpoint mode: vip (one virtual IP, spread over tasks) or dnsrr (DNS round robin); default vip") String endpointMode;

  void apply(ServiceSpec.Builder spec) {
    var task = spec.getTaskBuilder();
    for (String n : networks) {
      String trimmed = n.trim();
      if (trimmed.equals("host") || trimmed.equals("none")) {
        if (networks.size() > 1) throw new CliException("--network " + trimmed + " cannot be combined with other networks", 125);
        task.setNetworkMode(trimmed.equals("host") ? NetworkMode.NETWORK_MODE_HOST : NetworkMode.NETWORK_MODE_NONE);
        continue;
      }
      task.addNetworks(attachment(trimmed));
    }
    EndpointSpec.Builder e = spec.getEndpointSpecBuilder();
    for (String p : publish) e.addPorts(PortFlags.parse(p));
    if (publishAll && e.getPortsCount() == 0) {
      throw new CliException("--publish-all needs ports to publish: give them with --publish TARGET", 125);
    }
    if (endpointMode != null) {
      e.setMode(switch (endpointMode.toLowerCase(Locale.ROOT)) {
        case "vip" -> EndpointSpec.Mode.VIP;
        case "dnsrr" -> EndpointSpec.Mode.DNSRR;
        default -> throw new CliException("invalid --endpoint-mode \"" + endpointMode + "\": use vip or dnsrr", 125);
      });
    }
    if (e.getMode() == EndpointSpec.Mode.DNSRR && e.getPortsList().stream().anyMatch(p -> p.getPublishMode() == PortConfig.PublishMode.INGRESS)) {
      throw new CliException("--endpoint-mode dnsrr cannot publish ingress ports (as in Docker): use mode=host", 125);
    }
  }

  static NetworkAttachmentConfig attachment(String s) {
    if (!s.contains("=")) return NetworkAttachmentConfig.newBuilder().setTarget(s).build();
    NetworkAttachmentConfig.Builder b = NetworkAttachmentConfig.newBuilder();
    for (String kv : s.split(",")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      String v = eq < 0 ? "" : kv.substring(eq + 1);
      switch (k) {
        case "name", "target" -> b.setTarget(v);
        case "alias" -> b.addAliases(v);
        default -> throw new CliException("unknown --network field \"" + k + "\": use name=…,alias=…", 125);
      }
    }
    if (b.getTarget().isEmpty()) throw new CliException("--network \"" + s + "\" needs name=NETWORK", 125);
    return b.build();
  }
}
