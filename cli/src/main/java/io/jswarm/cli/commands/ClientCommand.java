package io.jswarm.cli.commands;

import io.jswarm.cli.Client;
import io.jswarm.cli.Main;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A command that talks to a daemon; the connection is opened on first use and closed after. */
abstract class ClientCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  private Client client;

  protected Client client() {
    if (client == null) {
      Main m = (Main) spec.root().userObject();
      client = new Client(m.host(), m.tls(), m.consistent());
    }
    return client;
  }

  protected PrintStream out() {
    return System.out;
  }

  protected abstract int run() throws Exception;

  @Override
  public final Integer call() throws Exception {
    try {
      return run();
    } finally {
      if (client != null) client.close();
    }
  }
}
