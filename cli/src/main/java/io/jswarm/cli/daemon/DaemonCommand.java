package io.jswarm.cli.daemon;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "daemon", description = {
    "Run a jswarm node (engine always; manager role once in a swarm as a manager).",
    "The local engine runs containers with runc + conmon; the manager role starts when the node",
    "initializes or joins a swarm as a manager. Several daemons may run on one machine when each",
    "has its own --data-root, -H/--host socket (unix:///PATH.sock), --listen-addr and --node-name.",
    "Every flag may also be set in --config-file (default /etc/jswarm/daemon.json) under its name",
    "without the dashes, e.g. {\"data-root\": \"/srv/jswarm\", \"host\": \"unix:///run/jswarm/jswarm.sock\"};",
    "a flag on the command line wins over the file."})
public final class DaemonCommand implements Callable<Integer> {
  @Option(names = "--bridge", description = "Name of the node-local bridge tasks get outbound NAT and host-mode ports through (default: derived from the node id); none = no bridge")
  String bridge = "";
  @Option(names = "--bridge-subnet", description = "Subnet of the node-local bridge (default 172.30.0.0/16)")
  String bridgeSubnet = "172.30.0.0/16";
  @Option(names = "--vxlan-port", description = "UDP port of overlay (VXLAN) traffic (default 4789)")
  int vxlanPort = 4789;
  @Option(names = "--data-root", description = "Root directory of persistent state (default /var/lib/jswarm)")
  Path dataRoot = Path.of("/var/lib/jswarm");

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--listen-addr", description = "HOST:PORT of the cluster port (mutual TLS with swarm certificates: membership, the"
      + " dispatcher, service logs); opened once the node is in a swarm; default 0.0.0.0:2377")
  String listenAddr = "0.0.0.0:2377";

  @Option(names = "--advertise-addr", description = "Address other nodes reach this one at (default: the listen host, or this host's address)")
  String advertiseAddr;

  @Option(names = "--raft-port", description = "Port of the Raft (Ratis) transport on managers (default: listen port + 1)")
  Integer raftPort;

  @Option(names = "--node-name", description = "Node name (default: the host name); also names this node's cgroup parent")
  String nodeName;

  @Option(names = "--registry-addr", description = "HOST:PORT (or :PORT) where a manager serves the cluster's OCI registry;"
      + " default: the advertise host, port 5000; \"none\" disables it")
  String registryAddr;

  @Option(names = "--registry-htpasswd", paramLabel = "FILE", description = "htpasswd file (bcrypt, htpasswd -B) whose users"
      + " may use this manager's registry; without it the registry needs no login. The swarm's own nodes log in with"
      + " the cluster's node credential; \"jswarm swarm update --registry-anonymous-pull\" lets anyone pull")
  java.nio.file.Path registryHtpasswd;

  @Option(names = "--control-addr", paramLabel = "HOST:PORT", description = "Also serve the Control API here, to remote clients"
      + " holding a swarm-admin certificate (jswarm swarm ca --issue-client; the CLI's -H tcp://HOST:PORT --tlsverify)."
      + " Default: the local socket only, as Docker does")
  String controlAddr;

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]", description = "A registry this node may speak plain HTTP to"
      + " (repeatable), as Docker's; loopback always may. Every other registry is HTTPS only, and a TLS or certificate"
      + " error is reported, never retried in plaintext")
  java.util.List<String> insecureRegistries = new java.util.ArrayList<>();

  @Option(names = "--config-file", paramLabel = "FILE", description = "Daemon settings in JSON (default /etc/jswarm/daemon.json;"
      + " a missing default file is no error)")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    String fileHost = DaemonJson.apply(configFile != null ? configFile : DaemonJson.DEFAULT, configFile != null, spec, parsed);
    // -H/--host (inherited from the top command) is the unix socket the CLI reaches us at; the
    // flag, then $JSWARM_HOST, then daemon.json's "host", then the default socket.
    io.jswarm.cli.Main main = (io.jswarm.cli.Main) spec.root().userObject();
    String host = main.hostGiven() || fileHost == null ? main.host() : fileHost;
    NetSettings.current = new NetSettings(bridge, bridgeSubnet, vxlanPort);
    DaemonConfig cfg = DaemonConfig.of(dataRoot, host, listenAddr, advertiseAddr, raftPort, nodeName, registryAddr)
        .withRegistryHtpasswd(registryHtpasswd).withControlAddr(controlAddr).withInsecureRegistries(insecureRegistries);
    Daemon d;
    try {
      d = new Daemon(cfg);
    } catch (DaemonLock.InUseException e) {
      throw new io.jswarm.cli.CliException("jswarm daemon: " + e.getMessage(), 1);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(d::close, "shutdown"));
    d.start();
    d.awaitTermination();
    return 0;
  }
}
