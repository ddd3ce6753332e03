package io.jswarm.net.ports;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs one short-lived command; a private copy so this package stays independent of io.jswarm.net while both are built. */
final class Cmd {
    // Every command here is a netlink round trip; anything slower than this is stuck, not busy.
    private static final long TIMEOUT_SECONDS = 30;

    record Result(int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Cmd() {
    }

    static String run(List<String> command) {
        return run(command, null);
    }

    static String run(List<String> command, String stdin) {
        Result r = attempt(command, stdin);
        if (!r.ok()) {
            throw new CommandFailedException(command, r.exitCode(), r.err());
        }
        return r.out();
    }

    static Result attempt(List<String> command) {
        return attempt(command, null);
    }

    static Result attempt(List<String> command, String stdin) {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command exited without reading its input; its exit code and stderr say why
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CommandFailedException(command, -1, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandFailedException(command, -1, "interrupted");
        } catch (ExecutionException e) {
            throw new UncheckedIOException("reading output of " + command.get(0), (IOException) e.getCause());
        }
    }

    /**
     * A dedicated thread per stream, not the common pool: on a 2-core node that pool has one thread, so
     * stdout and stderr drains would queue behind each other (or behind the caller) and a chatty command
     * could block on a full pipe until the timeout.
     */
    private static CompletableFuture<String> drain(InputStream s) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (s) {
                f.complete(new String(s.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        }, "cmd-drain");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
