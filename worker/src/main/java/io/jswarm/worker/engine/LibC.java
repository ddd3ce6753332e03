package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.types.size_t;

/** The few libc calls the engine makes in process: syncfs/fsync for durable layers, lsetxattr for PAX xattrs. */
final class LibC {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000; // same value on x86-64 and arm64

  /** Public only because jnr-ffi implements it in its own class loader. */
  public interface Calls {
    int open(String path, int flags);

    int close(int fd);

    int syncfs(int fd);

    int fsync(int fd);

    int lsetxattr(String path, String name, byte[] value, @size_t long size, int flags);

    int kill(int pid, int sig);
  }

  static final int SIGUSR1 = 10; // x86-64 and arm64

  /** kill(2): true when the signal was sent. */
  static boolean kill(int pid, int sig) {
    return get().kill(pid, sig) == 0;
  }

  private static volatile Calls instance;

  private LibC() {}

  private static Calls get() {
    Calls c = instance;
    if (c == null) {
      synchronized (LibC.class) {
        c = instance;
        if (c == null) {
          c = LibraryLoader.create(Calls.class).load("c");
          instance = c;
        }
      }
    }
    return c;
  }

  private static int errno() {
    return jnr.ffi.Runtime.getRuntime(get()).getLastError();
  }

  /**
   * Flushes the whole filesystem holding {@code p} (one syscall however many files were written,
   * as containerd's snapshotters do before they commit), then fsyncs {@code p} itself.
   */
  static void syncfs(Path p) throws IOException {
    withFd(p, fd -> get().syncfs(fd) == 0 && get().fsync(fd) == 0, "syncfs");
  }

  /** fsync of a file or directory (a directory's fsync makes a rename in it durable). */
  static void fsync(Path p) throws IOException {
    withFd(p, fd -> get().fsync(fd) == 0, "fsync");
  }

  /** Sets an extended attribute on {@code p} itself (never through a symlink). */
  static void lsetxattr(Path p, String name, byte[] value) throws IOException {
    if (get().lsetxattr(p.toString(), name, value, value.length, 0) != 0) {
      throw new IOException("lsetxattr " + name + " on " + p + ": errno " + errno());
    }
  }

  private interface FdCall {
    boolean call(int fd);
  }

  private static void withFd(Path p, FdCall call, String what) throws IOException {
    int fd = get().open(p.toString(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw new IOException("open " + p + " for " + what + ": errno " + errno());
    }
    try {
      if (!call.call(fd)) {
        throw new IOException(what + " " + p + ": errno " + errno());
      }
    } finally {
      get().close(fd);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
