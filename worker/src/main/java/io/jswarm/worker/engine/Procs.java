package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Host process checks through /proc. */
final class Procs {
  private Procs() {}

  /**
   * True while {@code pid} is a live process; a zombie counts as gone (conmon is re-parented to
   * an init that may never reap it).
   */
  static boolean alive(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      char state = stat.charAt(close + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The process's command line with NULs as spaces, "" when gone. */
  static String cmdline(int pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"))).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
