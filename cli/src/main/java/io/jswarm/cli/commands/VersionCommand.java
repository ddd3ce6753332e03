package io.jswarm.cli.commands;

import io.jswarm.cli.Version;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Show the jswarm version information.")
public final class VersionCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("jswarm version " + Version.get() + " (java " + System.getProperty("java.version") + ", "
        + System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch") + ")");
  }
}
