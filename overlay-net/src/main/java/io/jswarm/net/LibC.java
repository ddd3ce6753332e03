package io.jswarm.net;

import jnr.ffi.LibraryLoader;

/** The three libc calls needed to act inside another network namespace from a JVM thread. */
final class LibC {
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000; // same value on x86-64 and arm64
  static final int CLONE_NEWNET = 0x40000000;

  /**
   * Public only because jnr-ffi implements it in its own class loader, which cannot see
   * package-private types; the enclosing class keeps it out of the package's API.
   */
  public interface Calls {
    int open(String path, int flags);

    int setns(int fd, int nstype);

    int close(int fd);
  }

  private static volatile Calls instance;

  private LibC() {}

  static Calls get() {
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

  static int errno() {
    return jnr.ffi.Runtime.getRuntime(get()).getLastError();
  }
}
