package io.jswarm.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** daemon.json: every flag settable in the file, flags win, bad files are refused by name. */
class DaemonJsonTest {
  @TempDir Path dir;

  private record Parsed(DaemonCommand cmd, CommandLine cl) {
    String apply(Path file, boolean explicit) {
      return DaemonJson.apply(file, explicit, cl.getCommandSpec(), cl.getParseResult());
    }
  }

  private static Parsed parse(String... flags) {
    CommandLine root = Main.commandLine("daemon");
    String[] args = new String[flags.length + 1];
    args[0] = "daemon";
    System.arraycopy(flags, 0, args, 1, flags.length);
    root.parseArgs(args);
    CommandLine daemon = root.getSubcommands().get("daemon");
    return new Parsed(daemon.getCommand(), daemon);
  }

  private Path file(String json) throws Exception {
    return Files.writeString(dir.resolve("daemon.json"), json);
  }

  @Test
  void theFileSetsEveryKindOfFlagAndTheCommandLineWins() throws Exception {
    Parsed p = parse("--listen-addr", "10.0.0.1:3000");
    String host = p.apply(file("""
        {"data-root": "/srv/js", "listen-addr": "0.0.0.0:1", "vxlan-port": 4790, "raft-port": 3001,
         "insecure-registry": ["reg.lan:5000"], "node-name": "n1", "host": "unix:///tmp/x.sock"}"""), true);
    assertEquals(Path.of("/srv/js"), p.cmd().dataRoot);
    assertEquals("10.0.0.1:3000", p.cmd().listenAddr, "the flag wins over the file");
    assertEquals(4790, p.cmd().vxlanPort);
    assertEquals(3001, p.cmd().raftPort);
    assertEquals(List.of("reg.lan:5000"), p.cmd().insecureRegistries);
    assertEquals("n1", p.cmd().nodeName);
    assertEquals("unix:///tmp/x.sock", host);
  }

  @Test
  void everyDaemonFlagIsAKey() {
    String keys = DaemonJson.knownKeys(parse().cl().getCommandSpec());
    for (String k : List.of("bridge", "bridge-subnet", "vxlan-port", "data-root", "listen-addr", "advertise-addr", "raft-port",
        "node-name", "registry-addr", "registry-htpasswd", "control-addr", "insecure-registry", "host")) {
      assertTrue(keys.contains(k), k + " missing from " + keys);
    }
  }

  @Test
  void aMissingDefaultFileIsNoErrorButAMissingGivenFileIs() {
    Parsed p = parse();
    assertNull(p.apply(dir.resolve("none.json"), false));
    assertEquals(Path.of("/var/lib/jswarm"), p.cmd().dataRoot);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.apply(dir.resolve("none.json"), true));
    assertTrue(e.getMessage().contains("none.json does not exist"), e.getMessage());
  }

  @Test
  void unknownKeysWrongTypesAndBrokenJsonNameTheFileAndKeyAndChangeNothing() throws Exception {
    Parsed p = parse();
    Path f = file("{\"data-root\": \"/x\", \"listen-adr\": \"1.2.3.4:1\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.apply(f, true));
    assertTrue(e.getMessage().contains("daemon.json: unknown key \"listen-adr\""), e.getMessage());
    assertTrue(e.getMessage().contains("listen-addr"), "lists the known keys: " + e.getMessage());
    assertEquals(Path.of("/var/lib/jswarm"), p.cmd().dataRoot, "a bad file changes nothing");

    Parsed q = parse();
    e = assertThrows(IllegalArgumentException.class, () -> q.apply(file("{\"vxlan-port\": \"4790\"}"), true));
    assertEquals(dir.resolve("daemon.json") + ": \"vxlan-port\" must be a number", e.getMessage());
    assertEquals(4789, q.cmd().vxlanPort);

    e = assertThrows(IllegalArgumentException.class, () -> q.apply(file("{\"data-root\": "), true));
    assertTrue(e.getMessage().startsWith(dir.resolve("daemon.json") + ": "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> q.apply(file("[1]"), true));
    assertTrue(e.getMessage().endsWith("must hold one JSON object"), e.getMessage());
  }
}
