package io.jswarm.cli;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.ListServicesRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * Loads the classes a typical client command needs, so that bin/jswarm can record them in a
 * class-data-sharing archive once and every later command starts faster. Talks to no daemon:
 * the call goes to a socket path that does not exist and fails.
 */
public final class Warmup {
  private Warmup() {}

  public static void main(String[] args) {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());
    Main.run("--help");
    Main.run("service", "ls", "--help");
    try (Client c = new Client("unix:///nonexistent/jswarm-warmup.sock")) {
      c.control().listServices(ListServicesRequest.getDefaultInstance());
    } catch (StatusRuntimeException expected) {
      // the point was to load the classes on the way
    }
    Output.table(sink, List.of("A", "B"), List.of(List.of("1", "2")));
    sink.println(Output.json(ListServicesRequest.getDefaultInstance()));
  }
}
