package io.jswarm.cli.commands;

import io.jswarm.api.InfoRequest;
import io.jswarm.cli.Client;

/** Says why an image imported on a worker stayed there (workers may pull from the swarm's registry, not push). */
final class WorkerImports {
  private WorkerImports() {}

  static void noteIfWorker(Client c) {
    try {
      var info = c.control().info(InfoRequest.getDefaultInstance());
      if (info.getSwarmActive() && !info.getIsManager() ) {
        System.err.println("stored on this node only: a worker's certificate may pull from the swarm's registry but not push; "
            + "import on a manager (or push with an admin certificate) to run it on other nodes");
      }
    } catch (RuntimeException e) {
      // only a hint: the import itself succeeded
    }
  }
}
