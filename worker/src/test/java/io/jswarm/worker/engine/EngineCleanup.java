package io.jswarm.worker.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Best-effort teardown for integration tests: removes every container of an engine, then the data root. */
public final class EngineCleanup {
  private EngineCleanup() {}

  public static void removeAll(LocalEngine engine, Path dataRoot) {
    if (engine != null) {
      for (Container c : engine.list()) {
        try {
          engine.remove(c.id());
        } catch (RuntimeException e) {
          System.err.println("cleanup of " + c.id() + " failed: " + e);
        }
      }
      engine.close();
      removeNodeCgroups(engine.cgroupPath("x").replaceAll("/x$", ""));
      if (engine.runcRoot().startsWith(RuncRoot.RUN)) {
        FileTrees.deleteRecursively(engine.runcRoot());
      }
    }
    if (dataRoot != null && Files.exists(dataRoot)) {
      try {
        FileTrees.deleteRecursively(dataRoot);
      } catch (RuntimeException e) {
        System.err.println("cleanup of " + dataRoot + " failed: " + e);
      }
    }
  }

  /** rmdir of the engine's per-node parent cgroup in every controller (fails harmlessly if in use). */
  static void removeNodeCgroups(String parent) {
    try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      controllers.map(c -> c.resolve(parent.substring(1))).filter(Files::isDirectory).forEach(p -> {
        try {
          Files.delete(p);
        } catch (java.io.IOException e) {
          System.err.println("cannot remove cgroup " + p + ": " + e);
        }
      });
    } catch (java.io.IOException e) {
      // no cgroup fs
    }
  }

  /** Waits for a condition with a deadline, failing the test when it does not become true. */
  public static void await(String what, long timeoutMs, java.util.function.BooleanSupplier cond) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  static boolean mounted(Path p) {
    return Mounts.isMountPoint(p);
  }

  static List<String> runcIds(LocalEngine e) {
    return new Runc(LocalEngine.which("runc"), e.runcRoot()).listIds();
  }
}
