package io.jswarm.cli.commands;

import io.jswarm.api.SwarmCaRequest;
import io.jswarm.api.SwarmCaResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jswarm swarm ca}: the swarm's root CA, admin client certificates, rotation. */
@Command(name = "ca", description = {"Display and manage the swarm's root CA.",
    "Without options: print the root certificate (PEM).",
    "--issue-client NAME -o DIR: write ca.pem, cert.pem and key.pem of a swarm-admin client certificate for remote",
    "  control (jswarm -H tcp://MANAGER:PORT --tlsverify, against a daemon started with --control-addr).",
    "--rotate [--ca-cert FILE --ca-key FILE]: new root (or the given one), cross-signed by the old; every node",
    "  renews its certificate while the swarm keeps serving; join tokens change with the CA digest."})
public final class SwarmCa extends ClientCommand {
  @Option(names = "--issue-client", paramLabel = "NAME", description = "Issue an admin client certificate named NAME") String client;
  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where --issue-client writes ca.pem, cert.pem, key.pem") Path dir;
  @Option(names = "--rotate", description = "Rotate the root CA") boolean rotate;
  @Option(names = "--ca-cert", paramLabel = "FILE", description = "With --rotate: the new root certificate (PEM)") Path caCert;
  @Option(names = "--ca-key", paramLabel = "FILE", description = "With --rotate: the new root's private key (PEM)") Path caKey;
  @Option(names = {"-d", "--detach"}, description = "With --rotate: exit at once instead of waiting until every node renewed") boolean detach;
  @Option(names = "--timeout", description = "With --rotate: how long to wait for the nodes (default 5m)") String timeout = "5m";

  @Override
  protected int run() throws Exception {
    if ((caCert == null) != (caKey == null)) throw new IllegalArgumentException("--ca-cert and --ca-key go together");
    if (caCert != null && !rotate) throw new IllegalArgumentException("--ca-cert/--ca-key need --rotate");
    if (client != null && dir == null) throw new IllegalArgumentException("--issue-client needs -o DIR");
    SwarmCaRequest.Builder req = SwarmCaRequest.newBuilder().setRotate(rotate);
    if (client != null) req.setIssueClient(client);
    if (caCert != null) req.setCaCertPem(Files.readString(caCert)).setCaKeyPem(Files.readString(caKey));
    SwarmCaResponse r = client().control().swarmCa(req.build());
    if (client != null) {
      Files.createDirectories(dir);
      write(dir.resolve("ca.pem"), r.getTrustedRootsPem(), "rw-r--r--");
      write(dir.resolve("cert.pem"), r.getClientCertPem(), "rw-r--r--");
      write(dir.resolve("key.pem"), r.getClientKeyPem(), "rw-------");
      System.err.println("wrote a swarm-admin certificate for \"" + client + "\" to " + dir + " (ca.pem, cert.pem, key.pem)");
      return 0;
    }
    if (rotate && !detach) r = awaitRotation(r.getCaDigest());
    out().print(r.getRootCaPem());
    return 0;
  }

  /** Shows how many nodes hold a certificate from the new root, until the old root is dropped. */
  private SwarmCaResponse awaitRotation(String digest) throws InterruptedException {
    long deadline = System.nanoTime() + io.jswarm.cli.Durations.parseMillis(timeout) * 1_000_000;
    String last = "";
    while (true) {
      SwarmCaResponse now = client().control().swarmCa(SwarmCaRequest.getDefaultInstance());
      var nodes = client().control().listNodes(io.jswarm.api.ListNodesRequest.getDefaultInstance()).getNodesList();
      long live = nodes.stream().filter(n -> n.getStatus().getState() != io.jswarm.api.NodeStatus.State.DOWN).count();
      long done = nodes.stream().filter(n -> n.getStatus().getState() != io.jswarm.api.NodeStatus.State.DOWN
          && n.getCertificateCaDigest().equals(digest)).count();
      boolean finished = now.getTrustedRootsPem().split("BEGIN CERTIFICATE", -1).length == 2;
      String line = "rotating the root CA: " + done + "/" + live + " nodes hold a certificate from the new root"
          + (finished ? "; the old root is no longer trusted" : "");
      if (!line.equals(last)) System.err.println(line);
      last = line;
      if (finished) return now;
      if (System.nanoTime() > deadline) {
        throw new io.jswarm.cli.CliException("the rotation goes on in the background: " + done + "/" + live
            + " nodes renewed so far (a node that cannot reach a manager renews when it can)", 1);
      }
      Thread.sleep(500); // a progress poll, bounded by the deadline above
    }
  }

  private static void write(Path f, String text, String mode) throws java.io.IOException {
    Files.deleteIfExists(f);
    Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    Files.writeString(f, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
