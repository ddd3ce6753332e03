package io.jswarm.cli.commands;

import io.jswarm.api.Secret;
import picocli.CommandLine.Command;

@Command(name = "config", description = "Manage swarm configs: values services get as read-only files at a path of their choice.",
    subcommands = {ConfigCommand.Create.class, ConfigCommand.Ls.class, ConfigCommand.Inspect.class, ConfigCommand.Rm.class,
        ConfigCommand.Rotate.class})
public final class ConfigCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "create", description = "Create a config from a file or stdin (-); at most 500 KiB.",
      footer = {"", "Example: jswarm config create app_key ./app_key.txt"})
  public static final class Create extends SecretCommands.Create {
    @Override Secret.Kind kind() { return Secret.Kind.CONFIG; }
  }

  @Command(name = "ls", aliases = "list", description = "List configs (every version).")
  public static final class Ls extends SecretCommands.Ls {
    @Override Secret.Kind kind() { return Secret.Kind.CONFIG; }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more configs (JSON; never the value).")
  public static final class Inspect extends SecretCommands.Inspect {
    @Override Secret.Kind kind() { return Secret.Kind.CONFIG; }
  }

  @Command(name = "rm", aliases = "remove", description = "Remove one or more configs, every version (refused while a service uses one).")
  public static final class Rm extends SecretCommands.Rm {
    @Override Secret.Kind kind() { return Secret.Kind.CONFIG; }
  }

  @Command(name = "rotate", description = "Create the next version of a config and move the services using it there (they roll with their update policy).")
  public static final class Rotate extends SecretCommands.Rotate {
    @Override Secret.Kind kind() { return Secret.Kind.CONFIG; }
  }
}
