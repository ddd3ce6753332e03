package io.jswarm.net.ports;

import java.util.List;

/** A kernel-plumbing command ({@code ip}, {@code nft}, {@code iptables}) exited non-zero or hung; carries its stderr so the task status can say why. */
public final class CommandFailedException extends RuntimeException {
    private final List<String> command;
    private final String stderr;

    CommandFailedException(List<String> command, int exitCode, String stderr) {
        super(String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip());
        this.command = List.copyOf(command);
        this.stderr = stderr;
    }

    public List<String> command() {
        return command;
    }

    public String stderr() {
        return stderr;
    }
}
