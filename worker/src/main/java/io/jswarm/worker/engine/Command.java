package io.jswarm.worker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived host command; a failure carries the command line and its stderr. */
final class Command {
  /** Exit code, stdout and stderr of a finished command. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private Command() {}

  static Result run(List<String> argv, long timeoutMs) {
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new EngineException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new EngineException(String.join(" ", argv) + ": timed out after " + timeoutMs + " ms");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted: " + String.join(" ", argv), e);
    }
  }

  /** Runs and throws unless the exit code is 0. */
  static String check(List<String> argv, long timeoutMs) {
    Result r = run(argv, timeoutMs);
    if (!r.ok()) {
      throw new EngineException(String.join(" ", argv) + ": exit " + r.exitCode() + ": " + r.stderr().strip());
    }
    return r.stdout();
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }
}
