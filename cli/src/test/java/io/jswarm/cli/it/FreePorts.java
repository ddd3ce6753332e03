package io.jswarm.cli.it;

import java.io.IOException;
import java.net.ServerSocket;

/** Picks a free port P such that P+1 (the Raft port) is free as well. */
final class FreePorts {
  private FreePorts() {}

  static int pair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p;
      try (ServerSocket s = new ServerSocket(0)) {
        p = s.getLocalPort();
      }
      if (p >= 65535) continue;
      try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1)) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port pair found");
  }
}
