package io.jswarm.chaos.run;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a deadline; output goes to a file, never to a pipe that could fill. */
public final class Shell {
  private Shell() {}

  /** Exit code and combined output. */
  public record Result(int exit, String out) {
    public boolean ok() {
      return exit == 0;
    }
  }

  public static Result run(Duration timeout, Map<String, String> env, List<String> cmd) {
    Path out = null;
    try {
      out = Files.createTempFile("chaos-cmd", ".txt");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return new Result(124, "timed out after " + timeout + ": " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(127, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, "interrupted: " + String.join(" ", cmd));
    } finally {
      if (out != null) out.toFile().delete();
    }
  }

  public static Result run(Duration timeout, String... cmd) {
    return run(timeout, Map.of(), List.of(cmd));
  }
}
