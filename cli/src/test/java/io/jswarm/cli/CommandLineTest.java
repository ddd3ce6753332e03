package io.jswarm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bad command lines fail before any daemon is contacted: these run against a socket that does
 * not exist, so reaching the daemon would show up as a connection error instead.
 */
class CommandLineTest {
  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 2];
      all[0] = "-H";
      all[1] = "unix:///nonexistent/jswarm-test.sock";
      System.arraycopy(args, 0, all, 2, args.length);
      return new Run(Main.run(all), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }

  @Test
  void negativeReplicasAreRefused() {
    Run r = run("service", "create", "--replicas", "-1", "busybox");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("invalid replicas value \"-1\""), r.err());
  }

  @Test
  void nonNumericReplicasAreRefused() {
    Run r = run("service", "create", "--replicas", "abc", "busybox");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("invalid replicas value \"abc\""), r.err());
  }

  @Test
  void missingImageIsAUsageError() {
    Run r = run("service", "create", "--name", "x");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("IMAGE"), r.err());
  }

  @Test
  void commandOptionsAfterTheImageBelongToTheCommand() {
    // "-c" is not an option of service create: it must reach the container's command line,
    // so parsing succeeds and the failure is the missing daemon.
    Run r = run("service", "create", "busybox", "sh", "-c", "echo hi");
    assertTrue(r.err().contains("Cannot connect to the jswarm daemon"), r.err());
  }

  @Test
  void everySubcommandAnswersHelp() {
    java.io.PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      for (String[] cmd : new String[][] {{"service", "create", "--help"}, {"swarm", "join", "--help"},
          {"node", "update", "--help"}, {"image", "push", "--help"}}) {
        out.reset();
        assertEquals(0, Main.run(cmd), String.join(" ", cmd));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: jswarm " + cmd[0] + " " + cmd[1]),
            out.toString(StandardCharsets.UTF_8));
      }
    } finally {
      System.setOut(oldOut);
    }
  }

  @Test
  void badScaleSpecifier() {
    Run r = run("service", "scale", "web");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("SERVICE=REPLICAS"), r.err());
  }
}
