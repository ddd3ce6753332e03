package io.jswarm.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one short-lived tool (ip, bridge, nft, iptables…) with optional stdin; the one process runner of this module. */
public final class Processes {
  /**
   * Pipe readers block until the tool exits, so they get their own threads: on the common pool
   * (parallelism 1 on a 2-core machine) stderr would wait behind stdout, and a tool filling its
   * stderr pipe would then never exit.
   */
  private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "net-tool-pipe");
    t.setDaemon(true);
    return t;
  });

  public record Result(int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private Processes() {}

  /** @throws NetException when the tool cannot start, times out (it is then killed) or the caller is interrupted */
  public static Result run(List<String> argv, String stdin, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(argv).start();
    } catch (IOException e) {
      throw new NetException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
    // Both pipes are drained while stdin is written: a large batch can fill stdout/stderr first.
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), READERS);
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), READERS);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The tool exited without reading all of stdin; its exit status and stderr say why.
    }
    String command = String.join(" ", argv);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new NetException("timed out after " + timeout.toSeconds() + "s: " + command);
      }
      return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new NetException("interrupted: " + command, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new NetException("cannot read output of " + command, e);
    }
  }

  private static String drain(InputStream s) {
    try (s) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
