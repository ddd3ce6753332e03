package io.jswarm.net.ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Throwaway namespaces and processes for ITs. Everything it creates is removed by {@link #close}, in
 * reverse order, whatever the test did; names carry a random suffix so concurrent runs never collide.
 */
final class Lab implements AutoCloseable {
    private final Deque<Runnable> undo = new ArrayDeque<>();

    static String unique(String prefix) {
        return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    }

    String netns(String prefix) {
        String name = unique(prefix);
        Cmd.run(List.of("ip", "netns", "add", name));
        undo.push(() -> Cmd.attempt(List.of("ip", "netns", "del", name)));
        Cmd.run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
        return name;
    }

    /** A point-to-point link with one address at each end; the devices die with their namespaces. */
    void link(String nsA, String cidrA, String nsB, String cidrB) {
        String a = unique("la");
        String b = unique("lb");
        Cmd.run(List.of("ip", "-n", nsA, "link", "add", a, "type", "veth", "peer", "name", b, "netns", nsB));
        Cmd.run(List.of("ip", "-n", nsA, "addr", "add", cidrA, "dev", a));
        Cmd.run(List.of("ip", "-n", nsB, "addr", "add", cidrB, "dev", b));
        Cmd.run(List.of("ip", "-n", nsA, "link", "set", a, "up"));
        Cmd.run(List.of("ip", "-n", nsB, "link", "set", b, "up"));
    }

    /** busybox httpd serving index.html and a CGI echoing the client address the server sees. */
    Path webRoot(Path dir, String body) {
        try {
            Files.writeString(dir.resolve("index.html"), body);
            Path cgi = Files.createDirectories(dir.resolve("cgi-bin")).resolve("addr");
            Files.writeString(cgi, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"$REMOTE_ADDR\"\n");
            Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void httpd(String ns, Path root) {
        // ip netns exec execs busybox in place, so this PID is the server itself
        start(List.of("ip", "netns", "exec", ns, "busybox", "httpd", "-f", "-p", "80", "-h", root.toString()));
    }

    Process start(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            undo.push(() -> stop(p));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Cmd.Result wget(String ns, String url) {
        // not wget -T: busybox 1.35's wget segfaults with it
        return Cmd.attempt(List.of("ip", "netns", "exec", ns, "timeout", "3", "busybox", "wget", "-q", "-O-", url));
    }

    /** The body once the URL answers, or the last failure after the deadline. */
    static String fetch(String ns, String url) {
        Cmd.Result[] last = new Cmd.Result[1];
        await(Duration.ofSeconds(10), () -> (last[0] = wget(ns, url)).ok(), () -> "GET " + url + " from " + ns + ": " + last[0]);
        return last[0].out().strip();
    }

    /** The client address the server's CGI saw, without the [::ffff:...] of its dual-stack socket. */
    static String seenAs(String ns, String url) {
        return fetch(ns, url).replace("[", "").replace("]", "").replace("::ffff:", "");
    }

    static void await(Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + ": " + what.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get());
            }
        }
    }

    static String run(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return Cmd.run(c);
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
