package io.jswarm.cli;

import picocli.CommandLine;

/** The version, as the build stamped it into the jar manifest. */
public final class Version implements CommandLine.IVersionProvider {
  public static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  @Override
  public String[] getVersion() {
    return new String[] {"jswarm version " + get()};
  }
}
