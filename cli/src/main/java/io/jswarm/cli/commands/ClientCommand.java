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

  /** One read-change-write of an object; may throw what the calls throw. */
  @FunctionalInterface
  protected interface Edit<T> {
    T run() throws Exception;
  }

  static final int EDIT_ATTEMPTS = 5;

  /**
   * Runs a read-change-write again when the write is refused as out of sequence. The commands
   * that use it apply relative changes (add a label, set the replicas, swap the image), which
   * mean the same on the newer object; and an object's version also moves with what the system
   * writes (a new leader marks every node UNKNOWN, the orchestrator records update progress), so
   * a user's edit during a failover was refused for a change the user never made.
   */
  protected static <T> T retryOutOfSequence(Edit<T> edit) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return edit.run();
      } catch (io.grpc.StatusRuntimeException e) {
        boolean outOfSequence = e.getStatus().getCode() == io.grpc.Status.Code.ABORTED
            && String.valueOf(e.getStatus().getDescription()).startsWith("update out of sequence");
        if (!outOfSequence || attempt >= EDIT_ATTEMPTS) throw e;
        Thread.sleep(25L << attempt); // 50, 100, 200, 400 ms: let the other writer's burst pass
      }
    }
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
