package io.jswarm.net.ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where host-side commands run: the caller's own namespace (a worker inside a lab host namespace
 * programs that host by simply running there), or a named namespace when tests drive a throwaway host.
 */
final class HostNs {
    private final String name;

    HostNs(String name) {
        this.name = name == null || name.isBlank() ? null : name;
    }

    String name() {
        return name;
    }

    List<String> ip(String... args) {
        List<String> c = new ArrayList<>(List.of("ip"));
        if (name != null) {
            c.addAll(List.of("-n", name));
        }
        c.addAll(List.of(args));
        return c;
    }

    List<String> exec(String... args) {
        List<String> c = new ArrayList<>();
        if (name != null) {
            c.addAll(List.of("ip", "netns", "exec", name));
        }
        c.addAll(List.of(args));
        return c;
    }

    boolean linkExists(String dev) {
        return Cmd.attempt(ip("link", "show", "dev", dev)).ok();
    }

    /** /proc/sys is per network namespace, so a named host needs the write to happen inside it. */
    void sysctl(String key, String value) {
        if (name != null) {
            Cmd.run(exec("sysctl", "-q", "-w", key + "=" + value));
            return;
        }
        try {
            Files.writeString(Path.of("/proc/sys", key.replace('.', '/')), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set " + key, e);
        }
    }
}
