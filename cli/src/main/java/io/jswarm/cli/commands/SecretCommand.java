package io.jswarm.cli.commands;

import io.jswarm.api.Secret;
import picocli.CommandLine.Command;

@Command(name = "secret", description = "Manage swarm secrets: sensitive values services get as files under /run/secrets, on a tmpfs.",
    subcommands = {SecretCommand.Create.class, SecretCommand.Ls.class, SecretCommand.Inspect.class, SecretCommand.Rm.class,
        SecretCommand.Rotate.class})
public final class SecretCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "create", description = "Create a secret from a file or stdin (-); at most 500 KiB.",
      footer = {"", "Example: jswarm secret create app_key ./app_key.txt"})
  public static final class Create extends SecretCommands.Create {
    @Override Secret.Kind kind() { return Secret.Kind.SECRET; }
  }

  @Command(name = "ls", aliases = "list", description = "List secrets (every version).")
  public static final class Ls extends SecretCommands.Ls {
    @Override Secret.Kind kind() { return Secret.Kind.SECRET; }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more secrets (JSON; never the value).")
  public static final class Inspect extends SecretCommands.Inspect {
    @Override Secret.Kind kind() { return Secret.Kind.SECRET; }
  }

  @Command(name = "rm", aliases = "remove", description = "Remove one or more secrets, every version (refused while a service uses one).")
  public static final class Rm extends SecretCommands.Rm {
    @Override Secret.Kind kind() { return Secret.Kind.SECRET; }
  }

  @Command(name = "rotate", description = "Create the next version of a secret and move the services using it there (they roll with their update policy).")
  public static final class Rotate extends SecretCommands.Rotate {
    @Override Secret.Kind kind() { return Secret.Kind.SECRET; }
  }
}
