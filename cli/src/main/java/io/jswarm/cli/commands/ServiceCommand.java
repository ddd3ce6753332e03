package io.jswarm.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "service", description = "Manage swarm services.",
    subcommands = {ServiceCreate.class, ServiceLs.class, ServicePs.class, ServiceInspect.class,
        ServiceScale.class, ServiceUpdate.class, ServiceRm.class, ServiceLogs.class, ServiceRollback.class,
        ServiceHistoryCommand.class})
public final class ServiceCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
