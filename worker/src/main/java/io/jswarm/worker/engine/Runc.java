package io.jswarm.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The runc command line, always with this engine's {@code --root}. */
final class Runc {
  private static final long TIMEOUT_MS = 30_000;
  private final String binary;
  private final Path root;

  /** {@code runc state}: status is created, running, paused or stopped. */
  record State(String status, int pid) {}

  Runc(String binary, Path root) {
    this.binary = binary;
    this.root = root;
  }

  String binary() {
    return binary;
  }

  Path root() {
    return root;
  }

  void start(String id) {
    Command.check(argv("start", id), TIMEOUT_MS);
  }

  /** {@code runc pause} / {@code runc resume}: freezes or thaws every process (freezer cgroup). */
  void pause(String id, boolean pause) {
    Command.check(argv(pause ? "pause" : "resume", id), TIMEOUT_MS);
  }

  /** Runs {@code cmd} inside the running container; its exit code (timeout → EngineException). */
  Command.Result exec(String id, List<String> cmd, long timeoutMs) {
    List<String> a = new java.util.ArrayList<>(argv("exec", id));
    a.addAll(cmd);
    return Command.run(a, timeoutMs);
  }

  /** Sends a signal; false when the container has no process to signal any more. */
  boolean kill(String id, String signal) {
    Command.Result r = Command.run(argv("kill", id, signal), TIMEOUT_MS);
    if (r.ok()) {
      return true;
    }
    if (r.stderr().contains("not running") || r.stderr().contains("does not exist")
        || r.stderr().contains("process already finished") || r.stderr().contains("container not running")) {
      return false;
    }
    throw new EngineException("runc kill " + id + " " + signal + ": " + r.stderr().strip());
  }

  void deleteForce(String id) {
    Command.Result r = Command.run(argv("delete", "--force", id), TIMEOUT_MS);
    if (!r.ok() && !r.stderr().contains("does not exist")) {
      throw new EngineException("runc delete " + id + ": " + r.stderr().strip());
    }
  }

  Optional<State> state(String id) {
    Command.Result r = Command.run(argv("state", id), TIMEOUT_MS);
    if (!r.ok()) {
      if (r.stderr().contains("does not exist")) {
        return Optional.empty();
      }
      throw new EngineException("runc state " + id + ": " + r.stderr().strip());
    }
    try {
      JsonNode n = Json.MAPPER.readTree(r.stdout());
      return Optional.of(new State(n.path("status").asText(), n.path("pid").asInt()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> listIds() {
    String out = Command.check(argv("list", "-q"), TIMEOUT_MS);
    return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private List<String> argv(String... args) {
    List<String> a = new ArrayList<>(List.of(binary, "--root", root.toString()));
    a.addAll(List.of(args));
    return a;
  }
}
