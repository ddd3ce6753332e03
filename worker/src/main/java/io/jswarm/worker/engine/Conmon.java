package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts conmon, the per-container monitor that outlives this daemon: it runs {@code runc create},
 * holds the container's stdio, writes the CRI log and, when the container exits, the exit file.
 *
 * <p>Knowing that creation finished: conmon forks itself away at once (the process we start exits
 * after writing {@code -P conmon.pid}), then runs {@code runc create --pid-file pidfile}. runc
 * writes that pid file only once the container exists, so the daemon polls for it with a
 * deadline. If instead the conmon process disappears first, creation failed, and the reason is in
 * runc's JSON log ({@code --runtime-arg --log}), which the error carries.
 */
final class Conmon {
  static final long CREATE_TIMEOUT_MS = 30_000;
  private final String binary;

  Conmon(String binary) {
    this.binary = binary;
  }

  /** Layout of the files one container's conmon uses. */
  record CtrFiles(Path ctrDir) {
    Path pidFile() {
      return ctrDir.resolve("pidfile");
    }

    Path conmonPidFile() {
      return ctrDir.resolve("conmon.pid");
    }

    Path log() {
      return ctrDir.resolve("ctr.log");
    }

    Path runcLog() {
      return ctrDir.resolve("runc.log");
    }

    Path conmonOut() {
      return ctrDir.resolve("conmon.out");
    }
  }

  /** Runs conmon for container {@code id} and waits until runc has created it; returns its pid. */
  int create(Runc runc, String id, Path bundle, CtrFiles f, Path exitDir, Path socketDir, LogLimits logs) {
    List<String> argv = new ArrayList<>(List.of(binary, "--api-version", "1", "-c", id, "-u", id, "-n", id,
        "-r", runc.binary(), "-b", bundle.toString(), "-p", f.pidFile().toString(),
        "-P", f.conmonPidFile().toString(), "-l", "k8s-file:" + f.log(), "--exit-dir", exitDir.toString(),
        "--socket-dir-path", socketDir.toString(), "--runtime-arg", "--root=" + runc.root(),
        "--runtime-arg", "--log=" + f.runcLog(), "--runtime-arg", "--log-format=json",
        "--log-size-max", Long.toString(logs.maxBytes())));
    Process p;
    try {
      p = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(f.conmonOut().toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new EngineException("cannot run conmon: " + e.getMessage(), e);
    }
    long deadline = System.currentTimeMillis() + CREATE_TIMEOUT_MS;
    try {
      if (!p.waitFor(CREATE_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new EngineException("conmon failed to start for " + id + ": " + tail(f.conmonOut()));
      }
      int conmonPid = readPid(f.conmonPidFile()).orElse(0);
      while (System.currentTimeMillis() < deadline) {
        Optional<Integer> pid = readPid(f.pidFile());
        if (pid.isPresent()) {
          return pid.get();
        }
        if (conmonPid > 0 && !Procs.alive(conmonPid)) {
          // conmon may write the pid file just before exiting on a fast container exit
          Optional<Integer> late = readPid(f.pidFile());
          if (late.isPresent()) {
            return late.get();
          }
          throw new EngineException("runc create failed for " + id + ": " + runcErrors(f));
        }
        Thread.sleep(10);
      }
      throw new EngineException("timed out after " + CREATE_TIMEOUT_MS + " ms waiting for runc create of " + id
          + ": " + runcErrors(f));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while creating " + id, e);
    }
  }

  static Optional<Integer> readPid(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(s));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String runcErrors(CtrFiles f) {
    List<String> msgs = new ArrayList<>();
    try {
      if (Files.exists(f.runcLog())) {
        for (String line : Files.readAllLines(f.runcLog())) {
          try {
            var n = Json.MAPPER.readTree(line);
            if ("error".equals(n.path("level").asText()) || "fatal".equals(n.path("level").asText())) {
              msgs.add(n.path("msg").asText());
            }
          } catch (IOException e) {
            msgs.add(line);
          }
        }
      }
    } catch (IOException ignored) {
      // fall through to conmon's own output
    }
    if (msgs.isEmpty()) {
      msgs.add(tail(f.conmonOut()));
    }
    return String.join("; ", msgs);
  }

  private static String tail(Path p) {
    try {
      String s = Files.readString(p).strip();
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "(no output)";
    }
  }
}
