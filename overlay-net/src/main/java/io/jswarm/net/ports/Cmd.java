package io.jswarm.net.ports;

import io.jswarm.net.NetException;
import io.jswarm.net.Processes;
import java.time.Duration;
import java.util.List;

/** Short-lived commands for this package, on the module's one runner ({@link Processes}), failing with the command in the message. */
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
        try {
            Processes.Result r = Processes.run(command, stdin, Duration.ofSeconds(TIMEOUT_SECONDS));
            return new Result(r.exit(), r.out(), r.err());
        } catch (NetException e) {
            throw new CommandFailedException(command, -1, e.getMessage());
        }
    }
}
