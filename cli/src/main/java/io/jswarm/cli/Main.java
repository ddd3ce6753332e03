package io.jswarm.cli;

import io.grpc.StatusRuntimeException;
import io.jswarm.cli.commands.ContainerCommand;
import io.jswarm.cli.commands.ImageCommand;
import io.jswarm.cli.commands.VolumeCommand;
import io.jswarm.cli.commands.InfoCommand;
import io.jswarm.cli.commands.NodeCommand;
import io.jswarm.cli.commands.ServiceCommand;
import io.jswarm.cli.commands.SwarmCommand;
import io.jswarm.cli.commands.VersionCommand;
import io.jswarm.cli.daemon.DaemonCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jswarm} binary: client commands, and {@code jswarm daemon}. */
@Command(name = "jswarm",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand answers -h/--help

    versionProvider = Version.class,
    description = "A container orchestrator in the spirit of Docker Swarm mode.")
public final class Main implements Runnable {
  /**
   * The top-level commands, by name, in the order help lists them. Registered lazily: picocli
   * reflects over a command and all its subcommands when it is added, and building the whole
   * tree cost most of a client command's start, so a command line gets only the command it
   * names (help, an unknown word or no command at all gets them all).
   */
  static final java.util.Map<String, Class<?>> COMMANDS = commands();

  private static java.util.Map<String, Class<?>> commands() {
    java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
    m.put("daemon", DaemonCommand.class);
    m.put("swarm", SwarmCommand.class);
    m.put("node", NodeCommand.class);
    m.put("service", ServiceCommand.class);
    m.put("network", io.jswarm.cli.commands.NetworkCommand.class);
    m.put("secret", io.jswarm.cli.commands.SecretCommand.class);
    m.put("config", io.jswarm.cli.commands.ConfigCommand.class);
    m.put("image", ImageCommand.class);
    m.put("container", ContainerCommand.class);
    m.put("volume", VolumeCommand.class);
    m.put("registry", io.jswarm.cli.commands.RegistryCommand.class);
    m.put("info", InfoCommand.class);
    m.put("version", VersionCommand.class);
    m.put("chaos", io.jswarm.chaos.run.ChaosCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Root options that take a value: the word after one is not a command name. */
  private static final java.util.Set<String> VALUED_OPTIONS = java.util.Set.of("-H", "--host", "--tlscacert",
      "--tlscert", "--tlskey");
  @Option(names = {"-H", "--host"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Daemon socket to connect to: unix:///PATH.sock or tcp://HOST:PORT "
          + "(default: $JSWARM_HOST or " + Client.DEFAULT_HOST + ")")
  String host;

  @Option(names = "--tlsverify", scope = CommandLine.ScopeType.INHERIT,
      description = "Use TLS and verify the daemon (tcp:// hosts always do; default: $JSWARM_TLS_VERIFY)")
  boolean tlsVerify;

  @Option(names = "--tlscacert", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
      description = "Trust certs signed only by this CA (default: $JSWARM_CERT_PATH/ca.pem, or ~/.jswarm/ca.pem)")
  java.nio.file.Path tlsCaCert;

  @Option(names = "--tlscert", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
      description = "Client certificate, from \"jswarm swarm ca --issue-client\" (default: $JSWARM_CERT_PATH/cert.pem)")
  java.nio.file.Path tlsCert;

  @Option(names = "--tlskey", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
      description = "Client key (default: $JSWARM_CERT_PATH/key.pem)")
  java.nio.file.Path tlsKey;

  @Option(names = "--consistent", scope = CommandLine.ScopeType.INHERIT,
      description = "Refuse answers the manager cannot confirm with the Raft leader (no quorum, a cut-off "
          + "leader) instead of showing them with a staleness warning (default: $JSWARM_CONSISTENT)")
  boolean consistent;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public String host() {
    if (host != null) return host;
    String env = System.getenv("JSWARM_HOST");
    return env != null && !env.isEmpty() ? env : Client.DEFAULT_HOST;
  }

  /** Whether reads must be confirmed by the leader: --consistent, else $JSWARM_CONSISTENT=1/true. */
  public boolean consistent() {
    String env = System.getenv("JSWARM_CONSISTENT");
    return consistent || "1".equals(env) || "true".equalsIgnoreCase(env);
  }

  /** Whether -H or $JSWARM_HOST named the socket (else the daemon may take it from daemon.json). */
  public boolean hostGiven() {
    String env = System.getenv("JSWARM_HOST");
    return host != null || (env != null && !env.isEmpty());
  }

  /** The TLS files for a tcp:// host, Docker's way: flags, else $JSWARM_CERT_PATH, else ~/.jswarm. */
  public Client.Tls tls() {
    String env = System.getenv("JSWARM_CERT_PATH");
    java.nio.file.Path dir = env != null && !env.isEmpty() ? java.nio.file.Path.of(env)
        : java.nio.file.Path.of(System.getProperty("user.home"), ".jswarm");
    return new Client.Tls(tlsCaCert != null ? tlsCaCert : dir.resolve("ca.pem"), tlsCert != null ? tlsCert : dir.resolve("cert.pem"),
        tlsKey != null ? tlsKey : dir.resolve("key.pem"));
  }

  /** The top-level command the arguments name, or null when they name none (then all are registered). */
  static String commandNamed(String... args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (VALUED_OPTIONS.contains(a)) {
        i++; // its value
      } else if (!a.startsWith("-")) {
        return COMMANDS.containsKey(a) ? a : null;
      } else if (a.equals("--")) {
        return null;
      }
    }
    return null;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** The command line for these arguments: the root with the command they name (or all commands). */
  public static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Main());
    String named = commandNamed(args);
    for (var c : COMMANDS.entrySet()) {
      if (named == null || named.equals(c.getKey())) cl.addSubcommand(c.getKey(), c.getValue());
    }
    cl.addSubcommand("help", new CommandLine.HelpCommand());
    // Everything after the image is the container's command line, options included (as docker).
    if (cl.getSubcommands().containsKey("service")) {
      cl.getSubcommands().get("service").getSubcommands().get("create").setStopAtPositional(true);
    }
    return cl;
  }

  public static int run(String... args) {
    CommandLine cl = commandLine(args);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof StatusRuntimeException sre) {
        String h = cmd.getCommandSpec().root().userObject() instanceof Main m ? m.host() : Client.DEFAULT_HOST;
        cmd.getErr().println(new Client.Describer(h).describe(sre));
        return 1;
      }
      if (ex instanceof CliException ce) {
        cmd.getErr().println(ce.getMessage());
        return ce.exitCode();
      }
      if (ex instanceof IllegalArgumentException iae) {
        cmd.getErr().println("Error: " + iae.getMessage());
        return 1;
      }
      throw ex;
    });
    return cl.execute(args);
  }
}
